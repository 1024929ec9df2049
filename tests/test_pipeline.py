"""Upload → Redis → a real Celery worker → the document's outcome, on real PostgreSQL."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from filings import services
from filings.models import Document
from filings.uploads import candidates_from_bytes
from tests.pdfmaker import build_pdf

SAMPLE = Path(__file__).parent / "corpus" / "pdf" / "synth-bijie-hrss-2024-original.pdf"

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def upload(client, name: str, data: bytes):
    return client.post("/upload/", {"files": [SimpleUploadedFile(name, data)]}, follow=True)


def settled(name: str):
    def check() -> bool:
        doc = Document.objects.filter(original_filename=name).first()
        return doc is not None and not doc.is_pending

    return check


def test_uploaded_sample_is_parsed_by_the_worker(celery_worker, clerk_client, wait_for):
    response = upload(clerk_client, "毕节.pdf", SAMPLE.read_bytes())
    assert "已上传" in response.content.decode()
    wait_for(settled("毕节.pdf"), what="the worker")
    doc = Document.objects.get(original_filename="毕节.pdf")
    assert doc.status == Document.Status.PARSED, doc.error
    assert doc.page_count == 6
    assert "绩效目标" in doc.title
    assert doc.attempts == 1 and doc.parse_seconds is not None
    assert Path(doc.file.path).read_bytes() == SAMPLE.read_bytes()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("truncated.pdf", SAMPLE.read_bytes()[:40000], "不是有效的 PDF"),
        ("locked.pdf", build_pdf(["secret"], encrypt=True), "加密"),
        ("garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20, "不是有效的 PDF"),
    ],
)
def test_pdfs_that_do_not_open_are_refused_at_upload_and_not_stored(clerk_client, name, data, message):
    # The structural check (filings/pdf_child.py) runs before storing: no worker sees them.
    page = upload(clerk_client, name, data).content.decode()
    assert f"{name}：" in page and message in page
    assert not Document.objects.filter(original_filename=name).exists()


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        # grey boxes, no text and no image: nothing printed to read, not a scan waiting for OCR
        ("scan.pdf", build_pdf([None, None, None]), Document.Status.FAILED, "都是空白页"),
    ],
)
def test_bad_pdfs_end_with_a_clear_message_and_keep_their_bytes(
    celery_worker, clerk_client, wait_for, name, data, status, message
):
    upload(clerk_client, name, data)
    wait_for(settled(name), what=f"the worker on {name}")
    doc = Document.objects.get(original_filename=name)
    assert doc.status == status
    assert message in doc.error
    assert Path(doc.file.path).read_bytes() == data


def test_no_text_pdf_records_its_blank_pages(celery_worker, clerk_client, wait_for):
    upload(clerk_client, "blank.pdf", build_pdf([None, None]))
    wait_for(settled("blank.pdf"))
    document = Document.objects.get(original_filename="blank.pdf")
    # nothing printed on them: blank pages, neither unread nor waiting for OCR
    assert (document.pages_blank, document.pages_without_text) == ([1, 2], [])


def test_zip_of_pdfs_is_parsed_member_by_member(celery_worker, clerk_client, wait_for):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("批次/一.pdf", build_pdf(["one"]))
        archive.writestr("批次/二.pdf", build_pdf(["two", "two"]))
    upload(clerk_client, "batch.zip", buffer.getvalue())
    wait_for(settled("一.pdf"))
    wait_for(settled("二.pdf"))
    two = Document.objects.get(original_filename="二.pdf")
    # Text but no budget table: read to the end, then failed with a message saying so.
    assert two.page_count == 2 and two.status == Document.Status.FAILED
    assert "没有识别出任何已知的预算表" in two.error


def test_sweeper_recovers_a_document_stuck_in_parsing(celery_worker, clerk, wait_for, settings):
    data = build_pdf(["stuck"])
    (candidate,) = candidates_from_bytes("stuck.pdf", data)
    outcome = services.document_upload(candidate=candidate, uploaded_by=clerk)
    wait_for(settled("stuck.pdf"))
    # As if a worker took it and was killed: parsing, a dead task id, started long ago.
    long_ago = timezone.now() - timedelta(seconds=settings.SWEEP_PARSING_AFTER_SECONDS + 5)
    Document.objects.filter(pk=outcome.document.pk).update(
        status=Document.Status.PARSING, task_id="dead-task", parse_started_at=long_ago, page_count=None
    )
    assert services.documents_sweep_stale() == 1
    wait_for(settled("stuck.pdf"), what="the re-queued parse")
    doc = Document.objects.get(pk=outcome.document.pk)
    assert doc.page_count == 1 and doc.attempts == 2


def test_sweeper_sends_a_document_that_never_reached_the_broker(celery_worker, clerk, wait_for, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.SWEEP_QUEUED_AFTER_SECONDS + 5)
    path = "documents/lost.pdf"
    data = build_pdf(["lost"])
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    # Created without a task, as when Redis was down at upload time.
    doc = Document.objects.create(
        original_filename="lost.pdf",
        sha256="f" * 64,
        size=len(data),
        content_type="application/pdf",
        file=path,
        uploaded_by=clerk,
        queued_at=long_ago,
    )
    assert services.documents_sweep_stale() == 1
    wait_for(settled("lost.pdf"))
    assert Document.objects.get(pk=doc.pk).attempts == 1


def test_sweeper_gives_up_after_the_attempt_limit(db, clerk, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.SWEEP_PARSING_AFTER_SECONDS + 5)
    doc = Document.objects.create(
        original_filename="cursed.pdf",
        sha256="e" * 64,
        size=1,
        content_type="application/pdf",
        file="documents/none.pdf",
        status=Document.Status.PARSING,
        parse_started_at=long_ago,
        attempts=settings.PARSE_MAX_ATTEMPTS,
    )
    assert services.documents_sweep_stale() == 0
    doc.refresh_from_db()
    assert doc.status == Document.Status.FAILED and "多次" in doc.error


def test_claim_is_taken_by_one_task_only(db, clerk):
    doc = Document.objects.create(
        original_filename="c.pdf", sha256="d" * 64, size=1, content_type="application/pdf", file="x.pdf"
    )
    assert services.document_claim(document_id=doc.pk, task_id="t1") is True
    assert services.document_claim(document_id=doc.pk, task_id="t2") is False
    # The same task retrying after an outage may take it again.
    assert services.document_claim(document_id=doc.pk, task_id="t1") is True


def test_reparse_by_the_worker_keeps_a_corrected_department(celery_worker, clerk_client, clerk, wait_for):
    upload(clerk_client, "毕节.pdf", SAMPLE.read_bytes())
    wait_for(settled("毕节.pdf"), what="the worker")
    doc = Document.objects.get(original_filename="毕节.pdf")
    assert doc.status == Document.Status.PARSED, doc.error
    filing = services.filing_correct_department(filing=doc.filing, department="毕节市某某局", user=clerk)
    call_command("reparse_documents", str(doc.pk), stdout=io.StringIO())
    wait_for(
        lambda: Document.objects.get(pk=doc.pk).attempts == 2 and settled("毕节.pdf")(), what="the re-parse"
    )
    doc.refresh_from_db()
    # The parser reads the old department again; the correction stays, and so does the filing.
    assert doc.status == Document.Status.PARSED and doc.filing_id == filing.pk
    assert doc.filing.department.name == "毕节市某某局"
