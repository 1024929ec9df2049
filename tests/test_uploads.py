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
