"""Unit tests of upload expansion: sniffing by bytes, clean names, defensive zip handling."""

from __future__ import annotations

import io
import zipfile

import pytest

from filings.uploads import candidates_from_bytes, clean_filename, detect_content_type
from tests.pdfmaker import build_pdf

PDF = build_pdf(["Hello"])


def make_zip(members: dict[str, bytes], utf8: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_content_type_is_judged_by_bytes():
    assert detect_content_type(PDF[:1024]) == "application/pdf"
    assert detect_content_type(b"PK\x03\x04rest") == "application/zip"
    assert detect_content_type(b"<html>") == "application/octet-stream"
    assert detect_content_type(b"") == "application/x-empty"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\a\\预算.pdf", "预算.pdf"),
        ("bad\x00\x1fname\n.pdf", "badname.pdf"),
        ("", "未命名.pdf"),
    ],
)
def test_clean_filename(raw, expected):
    assert clean_filename(raw) == expected


def test_clean_filename_caps_length_and_keeps_extension():
    name = clean_filename("长" * 500 + ".pdf")
    assert len(name) <= 200 and name.endswith(".pdf")


def test_pdf_named_anything_is_accepted_and_text_named_pdf_is_refused():
    (ok,) = candidates_from_bytes("scan.txt", PDF)
    assert ok.error == "" and ok.content == PDF
    (bad,) = candidates_from_bytes("budget.pdf", b"just text, not a pdf")
    assert "不是 PDF" in bad.error and bad.content == b"just text, not a pdf"


def test_empty_file_is_refused():
    (bad,) = candidates_from_bytes("empty.pdf", b"")
    assert "文件为空" in bad.error


def test_oversized_file_is_refused(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 100
    (bad,) = candidates_from_bytes("big.pdf", PDF)
    assert "超过上限" in bad.error and bad.content is None


def test_zip_yields_its_pdfs_and_skips_junk():
    data = make_zip(
        {"a/一.pdf": PDF, "b.pdf": build_pdf(["B"]), "__MACOSX/._b.pdf": b"x", "notes.txt": b"hi"}
    )
    found = {c.filename: c for c in candidates_from_bytes("batch.zip", data)}
    assert set(found) == {"一.pdf", "b.pdf", "notes.txt"}
    assert found["一.pdf"].error == "" and found["b.pdf"].error == ""
    assert "不是 PDF" in found["notes.txt"].error


@pytest.mark.parametrize("name", ["../evil.pdf", "/etc/evil.pdf", "a/../../evil.pdf", "C:/evil.pdf"])
def test_zip_with_escaping_member_is_refused_whole(name):
    data = make_zip({"fine.pdf": PDF, name: PDF})
    (refusal,) = candidates_from_bytes("evil.zip", data)
    assert refusal.content is None and "../" in refusal.error and refusal.filename == "evil.zip"


def test_zip_over_member_count_is_refused(settings):
    settings.ZIP_MAX_MEMBERS = 3
    data = make_zip({f"{i}.pdf": PDF for i in range(4)})
    (refusal,) = candidates_from_bytes("many.zip", data)
    assert "超过上限 3 个" in refusal.error


def test_zip_bomb_is_refused_by_uncompressed_size(settings):
    settings.ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    data = make_zip({"bomb.pdf": b"%PDF-1.4\n" + b"\0" * (5 * 1024 * 1024)})
    assert len(data) < 50 * 1024
    (refusal,) = candidates_from_bytes("bomb.zip", data)
    assert "解压后" in refusal.error


def test_nested_zip_member_is_refused():
    inner = make_zip({"x.pdf": PDF})
    (nested,) = candidates_from_bytes("outer.zip", make_zip({"inner.zip": inner}))
    assert "嵌套" in nested.error


def test_corrupt_zip_is_refused():
    (refusal,) = candidates_from_bytes("broken.zip", b"PK\x03\x04" + b"\x00" * 50)
    assert "压缩包已损坏" in refusal.error


def test_gbk_member_names_from_windows_zips_are_decoded():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("placeholder.pdf")
        archive.writestr(info, PDF)
    raw = buffer.getvalue().replace(b"placeholder.pdf", "预算表1.pdf".encode("gbk").ljust(15, b"_"))
    (candidate,) = candidates_from_bytes("win.zip", raw)
    assert candidate.filename.startswith("预算表1")


# --------------------------------------------------------------------------- amplification (issue 11, item 5)


def fake_pdf(size: int) -> bytes:
    """What the attacker's zip held: the PDF magic, then zeros (deflates ~1000:1)."""
    return b"%PDF-1.7\n" + b"\0" * (size - 9)


def test_zip_of_pdf_magic_and_zeros_is_refused_before_storing(settings):
    member = settings.UPLOAD_MAX_FILE_BYTES - 1024  # each under the per-file limit
    data = make_zip({"a.pdf": fake_pdf(member), "b.pdf": fake_pdf(member) + b"b"})
    assert len(data) < 200 * 1024  # the 102 KB repro: about 100 MB once inflated
    found = {c.filename: c for c in candidates_from_bytes("放大.zip", data)}
    assert set(found) == {"a.pdf", "b.pdf"}
    for candidate in found.values():
        assert "不是有效的 PDF" in candidate.error, candidate.error


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n" + bytes(range(256)) * 20, "不是有效的 PDF"),
        (build_pdf(["t1"] * 30)[:2000], "不是有效的 PDF"),
        (build_pdf(["secret"], encrypt=True), "加密"),
    ],
    ids=["garbage-after-magic", "truncated", "encrypted"],
)
def test_a_pdf_without_header_xref_and_a_page_is_refused_with_a_reason(data, message):
    (refused,) = candidates_from_bytes("坏.pdf", data)
    assert message in refused.error


def test_the_structural_check_has_a_time_budget(settings):
    settings.PDF_CHECK_SECONDS = 0.001  # less than a child needs to start: always too late
    (refused,) = candidates_from_bytes("慢.pdf", PDF)
    assert "超时" in refused.error


def test_a_real_pdf_passes_the_structural_check():
    (ok,) = candidates_from_bytes("好.pdf", build_pdf(["one", "two"]))
    assert ok.error == "" and ok.content


@pytest.mark.django_db
def test_each_user_has_a_storage_quota(settings, clerk, reviewer):
    from filings.models import Document
    from filings.services import document_upload

    first, second = build_pdf(["t3"]), build_pdf(["t4"])
    settings.UPLOAD_QUOTA_PER_USER_BYTES = len(first) + len(second) - 1
    (a,) = candidates_from_bytes("一.pdf", first)
    assert document_upload(candidate=a, uploaded_by=clerk).created
    (b,) = candidates_from_bytes("二.pdf", second)
    refused = document_upload(candidate=b, uploaded_by=clerk)
    assert not refused.created and "每个用户" in refused.error and "上限" in refused.error
    # The quota is per user: someone else may still store the same file.
    assert document_upload(candidate=b, uploaded_by=reviewer).created
    assert Document.objects.count() == 2


@pytest.mark.django_db
def test_the_store_as_a_whole_has_a_quota(settings, clerk, reviewer):
    from filings.models import Document
    from filings.services import document_upload

    first, second = build_pdf(["t5"]), build_pdf(["t6"])
    settings.UPLOAD_QUOTA_TOTAL_BYTES = len(first) + len(second) - 1
    (a,) = candidates_from_bytes("一.pdf", first)
    assert document_upload(candidate=a, uploaded_by=clerk).created
    (b,) = candidates_from_bytes("二.pdf", second)
    refused = document_upload(candidate=b, uploaded_by=reviewer)
    assert not refused.created and "存储空间" in refused.error
    assert Document.objects.count() == 1


def _post(client, files: dict[str, bytes]):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/upload/", {"files": [SimpleUploadedFile(n, d) for n, d in files.items()]})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_one_request_stores_at_most_so_many_files(settings, clerk_client):
    from filings.models import Document

    settings.UPLOAD_MAX_REQUEST_FILES = 2
    # Two loose PDFs and a zip of two more: the zip's members count too.
    page = _post(
        clerk_client,
        {
            "1.pdf": build_pdf(["t7"]),
            "2.pdf": build_pdf(["t8"]),
            "3.zip": make_zip({"3.pdf": build_pdf(["t9"]), "4.pdf": build_pdf(["t10"])}),
        },
    )
    assert Document.objects.count() == 2
    assert "3.zip：本次上传超过 2 个文件的上限" in page


@pytest.mark.django_db
def test_one_request_stores_at_most_so_many_bytes(settings, clerk_client):
    from filings.models import Document

    one, two = build_pdf(["t11"] * 3), build_pdf(["t12"] * 3)
    settings.UPLOAD_MAX_REQUEST_BYTES = len(one) + len(two) - 1
    page = _post(clerk_client, {"1.pdf": one, "2.pdf": two})
    assert Document.objects.count() == 1
    assert "2.pdf：本次上传的文件总大小超过上限" in page


@pytest.mark.django_db
def test_a_request_body_over_the_limit_is_refused_whole(settings, clerk_client):
    from filings.models import Document

    settings.UPLOAD_MAX_REQUEST_BYTES = 10_000
    page = _post(clerk_client, {"big.pdf": build_pdf(["t13"] * 10) + b"%" * 200_000})
    assert "本次上传的总大小" in page and "超过上限" in page
    assert not Document.objects.exists()


# --------------------------------------------------------------------------- a deadline is not a broken PDF


class SoftTimeLimitExceeded(Exception):
    """Celery's, by name: the parser knows no Celery, so it tells a deadline by its class name."""


@pytest.mark.parametrize("where", ["filings.parsing.pdf.lay_out", "filings.parsing.parse.Assembler.page"])
def test_a_deadline_inside_the_parser_reaches_the_caller(monkeypatch, where):
    from filings.parsing import parse_pdf

    def deadline(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(where, deadline)
    with pytest.raises(SoftTimeLimitExceeded):
        parse_pdf(io.BytesIO(build_pdf(["t14"])))


def test_a_deadline_wrapped_by_pdfplumber_reaches_the_caller_unwrapped(monkeypatch):
    from pdfplumber.utils.exceptions import PdfminerException

    from filings.parsing import parse_pdf

    def deadline(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PdfminerException(SoftTimeLimitExceeded())

    monkeypatch.setattr("filings.parsing.pdf._objects", deadline)
    with pytest.raises(SoftTimeLimitExceeded):
        parse_pdf(io.BytesIO(build_pdf(["t15"])))


# --------------------------------------------------------------------------- a queue of its own


def test_parsing_has_its_own_queue_and_workers_for_it():
    import yaml

    from config.celery import app
    from tests.conftest import ROOT

    route = app.amqp.router.route({}, "filings.tasks.parse_document", args=[1])
    assert route["queue"].name == "parse"
    assert app.amqp.router.route({}, "filings.tasks.sweep_stale_documents")["queue"].name == "celery"
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    commands = {name: " ".join(s.get("command", [])) for name, s in services.items()}
    parse_workers = [n for n, c in commands.items() if " worker" in c and "--queues parse" in c]
    other_workers = [n for n, c in commands.items() if " worker" in c and "--queues celery" in c]
    assert parse_workers and other_workers and not set(parse_workers) & set(other_workers)
    run = (ROOT / "bin" / "run").read_text()
    assert "--queues parse" in run and "--queues celery" in run


def test_the_structural_check_has_a_memory_limit(settings):
    settings.PDF_CHECK_MEMORY_MB = 15  # less than Python and pdfium need: the child dies
    (refused,) = candidates_from_bytes("大.pdf", PDF)
    assert "检查 PDF 文件结构时出错" in refused.error
