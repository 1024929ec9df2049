"""Bad input raises ParseError; a PDF without a text layer is reported, not failed."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from filings.parsing import ParseError, parse_pdf

CORPUS_PDF = sorted((Path(__file__).resolve().parents[1] / "corpus" / "pdf").glob("*.pdf"))[0]


def test_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "upload.pdf"
    path.write_bytes(b"PK\x03\x04 this is a zip, not a pdf" * 20)
    with pytest.raises(ParseError) as e:
        parse_pdf(path)
    assert "PDF" in str(e.value)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(ParseError):
        parse_pdf(path)


def test_truncated_pdf(tmp_path: Path) -> None:
    path = tmp_path / "truncated.pdf"
    path.write_bytes(CORPUS_PDF.read_bytes()[:5000])
    with pytest.raises(ParseError):
        parse_pdf(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError):
        parse_pdf(tmp_path / "nowhere.pdf")


def test_blank_pages_are_listed(tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.new_page(595, 842)
    path = tmp_path / "scan.pdf"
    pdf.save(path)
    pdf.close()
    doc = parse_pdf(path)
    assert doc["page_count"] == 2
    # no text and no image: blank, nothing for OCR to read (tests/parsing/test_scans.py reads scans)
    assert doc["pages_blank"] == [1, 2]
    assert doc["pages_without_text"] == [] and doc["pages_scanned"] == []
    assert doc["tables"] == []


def test_file_object_works(tmp_path: Path) -> None:
    with CORPUS_PDF.open("rb") as f:
        doc = parse_pdf(f)
    assert doc["tables"]
