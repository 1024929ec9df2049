"""Hostile uploads through the real upload view and the real worker: each ends with a clear message.

tests/test_uploads.py covers the zip rules one by one in-process; here the files take the
whole path a clerk's would (the upload page, storage, Redis, the worker) and the checks are
on what the clerk sees: the page's message and the document's status and error.

- a PDF of 10 000 empty pages ends needs_ocr quickly, and parses within a 1.5 GB limit;
- a filing whose pages are 50 000 points wide parses like the original;
- names with ``../``, control characters or 500 characters, sent raw through gunicorn;
- zips: nested three deep, a backslash traversal, a header lying about a member's size,
  an encrypted member, and a zip with nothing in it.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bench.load import Session
from filings.models import Document
from tests.fuzz.runner import parse_in_child
from tests.pdfmaker import build_pdf

CORPUS = Path(__file__).parent / "corpus" / "pdf"

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def upload(client, name: str, data: bytes) -> str:
    """Post one file to the upload page; returns the page the clerk lands on."""
    response = client.post("/upload/", {"files": [SimpleUploadedFile(name, data)]})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def settled(document_id: int):  # type: ignore[no-untyped-def]
    return lambda: not Document.objects.get(pk=document_id).is_pending


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --------------------------------------------------------------------------- PDFs


def test_ten_thousand_empty_pages_end_as_blank(celery_worker, clerk_client, wait_for, tmp_path):
    data = build_pdf([None] * 10_000)
    # The same file under a 1.5 GB address-space limit, in a child, while the worker parses it.
    path = tmp_path / "blank.pdf"
    path.write_bytes(data)
    bounded = ThreadPoolExecutor(max_workers=1).submit(parse_in_child, path)

    page = upload(clerk_client, "一万页空白.pdf", data)
    assert "一万页空白.pdf：已上传" in page
    document = Document.objects.get(original_filename="一万页空白.pdf")
    # Well inside the worker's limit (PARSE_SOFT_TIME_LIMIT, 300 s): a timeout would say 超时.
    wait_for(settled(document.pk), timeout=240, what="the worker")
    document.refresh_from_db()
    # nothing printed on any page: blank, not a scan waiting for OCR
    assert document.status == Document.Status.FAILED
    assert "都是空白页" in document.error and "10000 页" in document.error
    assert document.page_count == 10_000 and len(document.pages_blank) == 10_000
    assert document.pages_without_text == [] and document.pages_scanned == []

    # The parser's memory does not grow with the pages: it stays far below the limit.
    result = bounded.result(timeout=300)
    assert result.kind == "parsed", result.message
    assert result.parsed["page_count"] == 10_000
    print(f"\n10 000 empty pages: peak RSS {result.peak_rss_mb:.0f} MB")


def test_pages_50000_points_wide_parse_like_the_original(celery_worker, clerk_client, wait_for):
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(CORPUS / "synth-bijie-hrss-2024-original.pdf")
    wide = pdfium.PdfDocument.new()
    wide.import_pages(source)
    for index in range(len(wide)):
        wide[index].set_mediabox(0, 0, 50_000, 842)
    buffer = io.BytesIO()
    wide.save(buffer)
    page = upload(clerk_client, "超宽.pdf", buffer.getvalue())
    assert "超宽.pdf：已上传" in page
    document = Document.objects.get(original_filename="超宽.pdf")
    wait_for(settled(document.pk), what="the worker")
    document.refresh_from_db()
    assert document.status == Document.Status.PARSED, document.error
    assert document.page_count == 6 and document.tables.count() == 8


def test_one_page_50000_points_wide_without_a_table_fails_with_a_message(
    celery_worker, clerk_client, wait_for
):
    upload(clerk_client, "宽页.pdf", build_pdf(["nothing here"], width=50_000))
    document = Document.objects.get(original_filename="宽页.pdf")
    wait_for(settled(document.pk), what="the worker")
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "没有识别出任何已知的预算表" in document.error


# --------------------------------------------------------------------------- names


HOSTILE_NAMES = {
    "../../../etc/passwd.pdf": "passwd.pdf",
    "..\\..\\windows\\system.ini.pdf": "system.ini.pdf",
    "预算\x01\x07\x1b[31m表\x7f.pdf": "预算[31m表.pdf",
    "x" * 500 + ".pdf": "x" * 196 + ".pdf",  # cut to 200 characters, extension kept
    "长" * 300 + ".pdf": "长" * 196 + ".pdf",
}


def test_hostile_file_names_sent_raw_are_cleaned(app_server, celery_worker, clerk, wait_for):
    # Through gunicorn, because Django's test client strips directories before sending.
    session = Session(app_server)
    session.login("clerk", "pw-clerk")
    for index, (raw, expected) in enumerate(HOSTILE_NAMES.items()):
        assert session.upload([(raw, build_pdf([f"name {index}"]))]) == 302
        # The message is shown once, on the next page: the cleaned name, never the raw one.
        status, _, body = session.get("/upload/")
        assert status == 200 and f"{expected}：已上传，正在排队解析。" in body.decode()
    session.close()
    stored = list(Document.objects.order_by("pk").values_list("original_filename", flat=True))
    assert stored == list(HOSTILE_NAMES.values())
    for name in stored:
        assert "/" not in name and "\\" not in name and ".." not in name
        assert not re.search(r"[\x00-\x1f\x7f]", name)
        assert len(name) <= 200 and name.endswith(".pdf")
    for pk in Document.objects.values_list("pk", flat=True):
        wait_for(settled(pk), what="the worker")
    # Each is a text PDF with no budget table: failed, with the reason in Chinese.
    assert set(Document.objects.values_list("status", flat=True)) == {Document.Status.FAILED}
    assert all("没有识别出任何已知的预算表" in e for e in Document.objects.values_list("error", flat=True))


def test_a_500_character_chinese_name_gets_a_chinese_message(app_server, clerk):
    # 500 CJK characters are 1 500 bytes of UTF-8 in the part header: over Django's 1 KiB cap
    # (MAX_TOTAL_HEADER_SIZE, not a setting), so the answer is templates/400.html, in Chinese.
    session = Session(app_server)
    session.login("clerk", "pw-clerk")
    status, body = session.upload_response([("长" * 500 + ".pdf", build_pdf(["long name"]))])
    session.close()
    assert status in (302, 400)
    assert re.search(r"[\u4e00-\u9fff]", body.decode("utf-8", "replace")), body[:200]


# --------------------------------------------------------------------------- zips


def lying_zip(declared: int) -> bytes:
    """A zip whose member claims ``declared`` bytes but inflates to 5 MB: sizes patched in both headers."""
    data = make_zip({"bomb.pdf": b"%PDF-1.4\n" + b"\0" * (5 * 1024 * 1024)})
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    struct.pack_into("<I", out, local + 22, declared)  # uncompressed size, local header
    central = out.find(b"PK\x01\x02")
    struct.pack_into("<I", out, central + 24, declared)  # uncompressed size, central directory
    return bytes(out)


def encrypted_member_zip() -> bytes:
    """A zip whose only member is flagged encrypted (bit 0), as a password-protected zip is."""
    out = bytearray(make_zip({"secret.pdf": build_pdf(["secret"])}))
    local = out.find(b"PK\x03\x04")
    central = out.find(b"PK\x01\x02")
    out[local + 6] |= 1
    out[central + 8] |= 1
    return bytes(out)


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (
            make_zip({"a.zip": make_zip({"b.zip": make_zip({"c.pdf": build_pdf(["deep"])})})}),
            "a.zip：压缩包内不能再嵌套压缩包",
        ),
        (make_zip({"ok.pdf": build_pdf(["ok"]), "..\\..\\evil.pdf": build_pdf(["evil"])}), "../"),
        (lying_zip(1000), "bomb.pdf：无法从压缩包中读取该文件"),
        (encrypted_member_zip(), "secret.pdf：无法从压缩包中读取该文件"),
        (make_zip({}), "压缩包中没有文件"),
        (make_zip({"空目录/": b"", "__MACOSX/._x.pdf": b"x"}), "压缩包中没有文件"),
    ],
    ids=["nested-three-deep", "backslash-traversal", "lying-size", "encrypted-member", "empty", "only-junk"],
)
def test_hostile_zip_is_refused_with_a_message_and_stores_nothing(clerk_client, archive, message):
    page = upload(clerk_client, "批量.zip", archive)
    assert message in page
    assert not Document.objects.exists()
