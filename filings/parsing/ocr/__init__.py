"""Reading scanned pages: a page image in, the same `PageLayout` a text page gives out.

    render.py   page -> grey image (pdfium), coloured seals dropped
    deskew.py   the scanner's skew measured and undone
    lines.py    ruling lines by morphology, as pdfplumber-like line objects in points
    cells.py    text lines per grid cell and around the grids -> character objects
    engine.py   PP-OCRv4 recognition on onnxruntime (model inside its wheel; offline)
    page.py     one page, put together
    confidence.py  what OCR read, attached to the parsed tables' cells

The heavy imports (onnxruntime, OpenCV) happen only when a scan is read: a text PDF's
parse never loads them.
"""

from __future__ import annotations

from typing import Any

from ..layout import PageLayout


def read_scan(page: Any, number: int, width: float, height: float) -> PageLayout:
    """A pypdfium2 page without text read by OCR; `layout.ocr` holds its cells' readings."""
    from .engine import recognizer
    from .page import read_scanned_page

    layout, reads = read_scanned_page(page, number, width, height, recognizer())
    layout.has_image = True
    layout.ocr = reads
    return layout


def engine_name() -> str:
    from .engine import recognizer

    return recognizer().name
