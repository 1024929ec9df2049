"""The entry point: `parse_pdf(path) -> dict`, and `scanned_pages(path)` to know the cost first."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from .document import Assembler
from .errors import ParseError
from .pdf import Source, read_pages, reraise_interrupt

Progress = Callable[[int, int], None]


def parse_pdf(path: Source, *, ocr: bool = True, progress: Progress | None = None) -> dict[str, Any]:
    """Parse a filing PDF into a `budget-filing/1` dict.

    Besides the schema's keys the dict holds `page_count`; `pages_scanned` (1-based numbers
    of the pages read by OCR: no text layer, an image), `pages_blank` (no text and no
    image: nothing to read) and `pages_without_text` (a page with an image but no text that
    we could not read: OCR off, or it read nothing); `ocr_engine` ("name version") when OCR
    ran, and then every table on a scanned page its `ocr` list (`OcrCell`: each value cell
    as read, with its confidence). Every row and indicator has its provenance, `page` and
    `bbox` ([x0, top, x1, bottom] in PDF points). A PDF in which no known table is found
    gives `tables: []`.

    `progress(done, total)` is called after each page. Raises ParseError (with a Chinese
    message) for a file that is not a readable PDF.
    """
    count, pages = read_pages(path, ocr=ocr)
    assembler = Assembler()
    without_text: list[int] = []
    scanned: list[int] = []
    blank: list[int] = []
    reads: list[Any] = []
    try:
        for done, layout in enumerate(pages, start=1):
            if layout.ocr is not None:
                scanned.append(layout.number)
                reads.extend(layout.ocr)
            if not layout.has_text:
                (without_text if layout.has_image else blank).append(layout.number)
            try:
                assembler.page(layout)
            except Exception as e:  # a layout we cannot interpret must not crash the caller
                reraise_interrupt(e)  # but a deadline is the caller's, not a layout's
                raise ParseError(f"第 {layout.number} 页的表格无法解析：{e}") from e
            if progress is not None:
                progress(done, count)
    finally:
        pages.close()  # closes the PDF even when we stop early
    try:
        doc = assembler.document()
    except Exception as e:
        reraise_interrupt(e)
        raise ParseError(f"表格无法解析：{e}") from e
    doc["page_count"] = count
    doc["pages_without_text"] = without_text
    doc["pages_scanned"] = scanned
    doc["pages_blank"] = blank
    if scanned:
        from .ocr import engine_name
        from .ocr.confidence import attach

        attach(doc["tables"], reads)
        doc["ocr_engine"] = engine_name()
    return doc


def scanned_pages(path: Source) -> list[int]:
    """The 1-based numbers of the pages OCR would read (no text layer, an image); no OCR run.

    Read with pdfium, not by laying pages out: the worker asks this of every text PDF before
    it parses it, and a layout of each page cost as much as the parse itself (a 300-page
    filing's deadline ran out in this check). A page it calls a scan that the parse does not
    (or the reverse) only moves the document to the other queue: the parse decides per page.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    target: Any = os.fspath(path) if isinstance(path, (str, os.PathLike)) else path
    if not isinstance(target, str):
        target.seek(0)
        target = target.read()
    try:
        pdf = pdfium.PdfDocument(target)
    except Exception as e:
        reraise_interrupt(e)
        raise ParseError("无法读取 PDF 文件：文件已损坏、不完整或不是 PDF") from e
    scanned = []
    try:
        for number in range(1, len(pdf) + 1):
            page = pdf[number - 1]
            try:
                text = page.get_textpage()
                try:
                    has_text = bool(text.get_text_range().strip())
                finally:
                    text.close()
                if has_text:
                    continue
                images = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))
                if any(_visible(image.get_bounds()) for image in images):
                    scanned.append(number)
            finally:
                page.close()
    finally:
        pdf.close()
    return scanned


def _visible(pos: tuple[float, float, float, float]) -> bool:
    """An image more than a point each way (the layout ignores specks too)."""
    left, bottom, right, top = pos
    return right - left > 1 and top - bottom > 1
