"""The entry point: `parse_pdf(path) -> dict`."""

from __future__ import annotations

from typing import Any

from .document import Assembler
from .errors import ParseError
from .pdf import Source, read_pages, reraise_interrupt


def parse_pdf(path: Source) -> dict[str, Any]:
    """Parse a filing PDF into a `budget-filing/1` dict.

    Besides the schema's keys the dict holds `page_count` and `pages_without_text`
    (1-based numbers of pages with no text layer: a scan needing OCR), and every row
    and indicator its provenance, `page` and `bbox` ([x0, top, x1, bottom] in PDF
    points). A PDF in which no known table is found gives `tables: []`.

    Raises ParseError (with a Chinese message) for a file that is not a readable PDF.
    """
    count, pages = read_pages(path)
    assembler = Assembler()
    without_text: list[int] = []
    try:
        for layout in pages:
            if not layout.has_text:
                without_text.append(layout.number)
            try:
                assembler.page(layout)
            except Exception as e:  # a layout we cannot interpret must not crash the caller
                reraise_interrupt(e)  # but a deadline is the caller's, not a layout's
                raise ParseError(f"第 {layout.number} 页的表格无法解析：{e}") from e
    finally:
        pages.close()  # closes the PDF even when we stop early
    try:
        doc = assembler.document()
    except Exception as e:
        reraise_interrupt(e)
        raise ParseError(f"表格无法解析：{e}") from e
    doc["page_count"] = count
    doc["pages_without_text"] = without_text
    return doc
