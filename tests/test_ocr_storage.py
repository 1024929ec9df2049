"""Scanned filings in storage: OCR'd values kept with their confidence, blank pages, the OCR queue
and the per-page progress of a parse (issue 14, items 3 and 5)."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from filings import services
from filings.models import Document, Filing, OcrCell, ParsedTable
from review.models import Finding
from review.selectors import filing_coverage
from review.services import OCR_NOTE
from tests.conftest import CORPUS
from tests.pdfmaker import build_pdf
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db

NAME = "synth-anshun-hsa-2023-adjustment"
MISREAD = "50165578.57"  # OCR read a 3 as an 8: row 0's 调整预算数 is 50165573.57
PRINTED = "50165573.57"


def scan_parse(*, misread: bool = True) -> dict:
    """The anshun filing as OCR would give it: every value of its summary table read from a scan,
    one read with little confidence, and (``misread``) one read wrong, so the table does not add up."""
    parsed = copy.deepcopy(json.loads((CORPUS / "truth" / f"{NAME}.json").read_text()))
    summary = parsed["tables"][0]
    assert summary["kind"] == "income_expense_summary"
    if misread:
        summary["rows"][0]["adjusted"] = MISREAD
    summary["ocr"] = [
        {
            "row": i,
            "field": col,
            "text": row[col],
            "confidence": 0.42 if (i, col) == (8, "initial") else 0.98,
            "page": row.get("page") or 1,
            "bbox": row.get("bbox") or [100.0, 100.0, 160.0, 112.0],
        }
        for i, row in enumerate(summary["rows"])
        for col in ("initial", "adjusted", "change")
        if row.get(col) is not None
    ]
    parsed.update(pages_scanned=[1, 2, 3], pages_blank=[4], pages_without_text=[4], ocr_engine="tesseract 5")
    return parsed


def test_ocr_cells_are_stored_with_their_confidence_and_doubt():
    document = store(scan_parse())
    assert document.status == Document.Status.PARSED
    assert (document.pages_scanned, document.pages_blank, document.ocr_engine) == (
        [1, 2, 3],
        [4],
        "tesseract 5",
    )
    table = ParsedTable.objects.get(filing=document.filing, kind="income_expense_summary")
    cells = {(c.row_position, c.field): c for c in OcrCell.objects.filter(table=table)}
    assert len(cells) == len(scan_parse()["tables"][0]["ocr"])
    assert cells[(8, "initial")].confidence == pytest.approx(0.42)
    doubtful = {key for key, c in cells.items() if c.status == OcrCell.Status.DOUBTFUL}
    # little confidence, or a finding concerns it: the misread value breaks 增减数 on its row
    # (all three of its values) and the 本年收入合计 above it
    assert doubtful == {(8, "initial"), (0, "initial"), (0, "adjusted"), (0, "change"), (9, "adjusted")}
    assert cells[(10, "initial")].status == OcrCell.Status.TRUSTED
    assert cells[(0, "adjusted")].text == MISREAD and cells[(0, "adjusted")].bbox is not None


def test_a_finding_on_an_ocr_value_says_it_was_read_from_a_scan():
    document = store(scan_parse())
    on_scan = Finding.objects.filter(filing=document.filing, anomaly_class="change_mismatch")
    assert on_scan and all(f.message.endswith(OCR_NOTE) for f in on_scan)
    # the other tables were not scanned: their findings say nothing of OCR
    elsewhere = Finding.objects.filter(filing=document.filing).exclude(table__kind="income_expense_summary")
    assert elsewhere and not any(OCR_NOTE in f.message for f in elsewhere)


def test_a_text_filing_has_no_ocr_cells_and_no_note():
    document = store(json.loads((CORPUS / "truth" / f"{NAME}.json").read_text()))
    assert not OcrCell.objects.exists() and not document.pages_scanned
    assert not Finding.objects.filter(message__contains=OCR_NOTE).exists()


def test_a_reparse_replaces_the_ocr_cells():
    document = store(scan_parse())
    count = OcrCell.objects.count()
    services.document_store_parse(document=document, parsed=scan_parse(misread=False), seconds=0.1)
    assert OcrCell.objects.count() == count
    assert not OcrCell.objects.filter(text=MISREAD).exists()
    # the misread is gone, so only the value read with little confidence waits for a reviewer
    assert list(OcrCell.objects.filter(status="doubtful").values_list("row_position", "field")) == [
        (8, "initial")
    ]


def test_carried_forward_tables_copy_their_ocr_cells_with_what_was_decided():
    document = store(scan_parse())
    source = ParsedTable.objects.get(filing=document.filing, kind="income_expense_summary")
    OcrCell.objects.filter(table=source, row_position=8).update(status=OcrCell.Status.CONFIRMED)
    newer = Filing.objects.create(
        department=document.filing.department,
        year=document.filing.year,
        stage=document.filing.stage,
        version=2,
    )
    services._copy_tables(table_ids=[source.pk], filing=newer)
    copy_ = ParsedTable.objects.get(filing=newer)
    copied = list(copy_.ocr_cells.values_list("row_position", "field", "status", "confidence"))
    original = list(source.ocr_cells.values_list("row_position", "field", "status", "confidence"))
    assert copied == original and (8, "initial", "confirmed", pytest.approx(0.42)) in copied
    assert source.ocr_cells.count() == len(original)  # the original keeps its own


def test_a_blank_page_is_not_unread_and_an_unreadable_one_is():
    document = store(scan_parse())
    coverage = filing_coverage(filing=document.filing, tables=11)
    assert coverage.blank_pages == []  # page 4 has nothing printed on it
    assert coverage.scanned[0]["pages"] == [1, 2, 3] and coverage.doubtful == 5
    parsed = scan_parse()
    parsed["pages_without_text"] = [4, 5]  # page 5 could not be read even by OCR
    services.document_store_parse(document=document, parsed=parsed, seconds=0.1)
    coverage = filing_coverage(filing=document.filing, tables=11)
    assert [b["pages"] for b in coverage.blank_pages] == [[5]]


def test_needs_ocr_only_from_pages_that_could_not_be_read():
    blank = store({"department": None, "year": None, "stage": None, "tables": [], "page_count": 2,
                   "pages_without_text": [1, 2], "pages_blank": [1, 2]})  # fmt: skip
    assert blank.status == Document.Status.FAILED  # nothing printed: not a scan waiting for OCR
    unread = store({"department": None, "year": None, "stage": None, "tables": [], "page_count": 2,
                    "pages_without_text": [1, 2], "pages_blank": [1]}, "b")  # fmt: skip
    assert unread.status == Document.Status.NEEDS_OCR and "第 2 页" in unread.error


# ---- the OCR queue ---------------------------------------------------------------------------


def test_the_ocr_task_has_its_own_queue_and_time_limits(settings):
    from config.celery import app
    from filings.tasks import ocr_document

    assert app.amqp.router.route({}, "filings.tasks.ocr_document", args=[1])["queue"].name == "ocr"
    assert app.amqp.router.route({}, "filings.tasks.parse_document", args=[1])["queue"].name == "parse"
    assert (ocr_document.soft_time_limit, ocr_document.time_limit) == (
        settings.OCR_SOFT_TIME_LIMIT,
        settings.OCR_HARD_TIME_LIMIT,
    )
    assert ocr_document.time_limit > settings.CELERY_TASK_TIME_LIMIT
    # an unacknowledged scan is not handed to a second worker while the first still reads it
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > ocr_document.time_limit


@pytest.fixture
def sent(monkeypatch):
    """The tasks sent, by name, instead of to the broker."""
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(
        services,
        "_enqueue_parse",
        lambda document_id, task=services.PARSE_TASK: calls.append((task, document_id)),
    )
    return calls


@pytest.fixture
def pdf_document(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "d.pdf").write_bytes(build_pdf(["one page of text"]))
    return Document.objects.create(
        original_filename="d.pdf", sha256="d" * 64, size=1, content_type="application/pdf", file="d.pdf"
    )


def test_a_text_pdf_is_parsed_on_the_parse_queue_never_sent_to_ocr(
    pdf_document, sent, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services.parsing, "scanned_pages", lambda path: [], raising=False)
    seen = []

    def parse(path, *, ocr=True, progress=None):
        seen.append(ocr)
        for page in (1, 2, 3):
            progress(page, 3)
        return {"department": None, "year": None, "stage": None, "tables": [], "page_count": 3}

    monkeypatch.setattr(services, "parse_pdf", parse)
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_parse(document_id=pdf_document.pk, task_id="t1")
    assert seen == [False] and sent == []
    assert document.status == Document.Status.FAILED and (document.pages_done, document.pages_total) == (3, 3)


def test_a_scan_is_handed_to_the_ocr_queue_and_read_there(
    pdf_document, sent, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services.parsing, "scanned_pages", lambda path: [2, 1], raising=False)
    seen = []

    def parse(path, *, ocr=True, progress=None):
        seen.append(ocr)
        return {"department": None, "year": None, "stage": None, "tables": [], "page_count": 2,
                "pages_scanned": [1, 2], "pages_without_text": [2]}  # fmt: skip

    monkeypatch.setattr(services, "parse_pdf", parse)
    with django_capture_on_commit_callbacks(execute=True):
        handed = services.document_parse(document_id=pdf_document.pk, task_id="t1")
    assert seen == [] and sent == [(services.OCR_TASK, pdf_document.pk)]
    assert handed.status == Document.Status.QUEUED and handed.pages_scanned == [1, 2]
    assert handed.attempts == 0  # the hand-over is not an attempt
    with django_capture_on_commit_callbacks(execute=True):
        read = services.document_parse(document_id=pdf_document.pk, task_id="t2", ocr=True)
    assert seen == [True] and read.status == Document.Status.NEEDS_OCR and read.attempts == 1
    # a known scan is re-queued straight to the OCR queue
    with django_capture_on_commit_callbacks(execute=True):
        services.document_requeue(document=read)
    assert sent[-1] == (services.OCR_TASK, pdf_document.pk)


def test_the_sweeper_waits_longer_for_a_scan(settings, sent, django_capture_on_commit_callbacks):
    started = timezone.now() - timedelta(seconds=settings.SWEEP_PARSING_AFTER_SECONDS + 30)
    common = {"size": 1, "content_type": "application/pdf", "status": Document.Status.PARSING,
              "parse_started_at": started}  # fmt: skip
    text = Document.objects.create(original_filename="t.pdf", sha256="t" * 64, file="t.pdf", **common)
    scan = Document.objects.create(
        original_filename="s.pdf", sha256="s" * 64, file="s.pdf", pages_scanned=[1], **common
    )
    # a scan waiting behind others on the ocr queue is not sent again either
    waiting = timezone.now() - timedelta(seconds=settings.SWEEP_QUEUED_AFTER_SECONDS + 30)
    Document.objects.create(
        original_filename="q.pdf", sha256="q" * 64, file="q.pdf", size=1, content_type="application/pdf",
        pages_scanned=[1], queued_at=waiting,
    )  # fmt: skip
    assert settings.SWEEP_OCR_AFTER_SECONDS > settings.SWEEP_PARSING_AFTER_SECONDS + 30
    with django_capture_on_commit_callbacks(execute=True):
        assert services.documents_sweep_stale() == 1
    assert sent == [(services.PARSE_TASK, text.pk)]
    scan.refresh_from_db()
    assert scan.status == Document.Status.PARSING


def test_the_documents_list_shows_the_page_a_parse_is_at(clerk_client, clerk):
    Document.objects.create(
        original_filename="扫描.pdf", sha256="p" * 64, size=1, content_type="application/pdf", file="p.pdf",
        uploaded_by=clerk, status=Document.Status.PARSING, pages_scanned=[1], pages_done=3, pages_total=20,
    )  # fmt: skip
    fragment = clerk_client.get("/documents/", headers={"HX-Request": "true"}).content.decode()
    assert "第 3/20 页" in fragment and "扫描件" in fragment and 'hx-trigger="every 2s"' in fragment
    Document.objects.update(status=Document.Status.PARSED)
    fragment = clerk_client.get("/documents/", headers={"HX-Request": "true"}).content.decode()
    assert "第 3/20 页" not in fragment and "扫描件" in fragment


def test_a_reparse_keeps_a_check_where_it_reads_the_same_value(reviewer):
    from filings.interchange import filing_to_dict
    from review.services import ocr_cell_confirm, ocr_cell_correct

    document = store(scan_parse())
    document.filing.department.reviewers.add(reviewer)
    cells = OcrCell.objects.filter(table__filing=document.filing)
    ocr_cell_correct(cell=cells.get(row_position=0, field="adjusted"), value=PRINTED, user=reviewer)
    ocr_cell_confirm(cell=cells.get(row_position=8, field="initial"), user=reviewer)
    # read again as before, the same misread included: the checks stay, the correction is applied again
    services.document_store_parse(document=document, parsed=scan_parse(), seconds=0.1)
    cells = OcrCell.objects.filter(table__filing=document.filing)
    corrected = cells.get(row_position=0, field="adjusted")
    assert corrected.status == OcrCell.Status.CORRECTED and corrected.decided_by == reviewer
    assert filing_to_dict(document.filing)["tables"][0]["rows"][0]["adjusted"] == PRINTED
    assert cells.get(row_position=8, field="initial").status == OcrCell.Status.CONFIRMED
    assert not Finding.objects.filter(filing=document.filing, anomaly_class="change_mismatch").exists()


def test_a_reparse_that_reads_a_value_otherwise_asks_again(reviewer):
    from review.services import ocr_cell_confirm

    document = store(scan_parse())
    document.filing.department.reviewers.add(reviewer)
    ocr_cell_confirm(cell=OcrCell.objects.get(row_position=8, field="initial"), user=reviewer)
    parsed = scan_parse()
    entry = next(e for e in parsed["tables"][0]["ocr"] if (e["row"], e["field"]) == (8, "initial"))
    entry["text"] = "23835351.00"
    services.document_store_parse(document=document, parsed=parsed, seconds=0.1)
    assert OcrCell.objects.get(row_position=8, field="initial").status == OcrCell.Status.DOUBTFUL


def test_the_ocr_queue_has_workers_of_its_own_wherever_the_app_runs():
    import yaml

    from tests.conftest import ROOT

    services_ = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    commands = {name: " ".join(s.get("command", [])) for name, s in services_.items()}
    ocr = [name for name, command in commands.items() if " worker" in command and "--queues ocr" in command]
    assert ocr == ["worker-ocr"] and "media:/data/media" in services_["worker-ocr"]["volumes"]
    assert "--queues ocr" in (ROOT / "bin" / "run").read_text()
