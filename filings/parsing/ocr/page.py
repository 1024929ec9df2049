"""One scanned page read into a `PageLayout`, the same object a text page gives.

Render, straighten, find the ruling lines, let `layout.find_grids` build the grids from
them, read the text line by line, and hand lines and characters to `layout.lay_out`: from
there on a scan is parsed by the very code that parses a text PDF.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ..layout import PageLayout, lay_out
from .cells import CellRead, Line, cell_lines, chars_of, free_lines, recognise
from .deskew import rotate, skew_angle
from .engine import AMOUNT_CHARS, Recognizer
from .lines import line_mask, ruling_lines, table_lines
from .render import SCALE, render


def _ink(grey: Any) -> Any:
    """Ink as 255 on 0: Otsu's threshold on a lightly smoothed page (JPEG and sensor noise)."""
    blurred = cv2.GaussianBlur(grey, (3, 3), 0)
    _, ink = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def _soft_threshold(grey: Any) -> float:
    """Halfway between Otsu's ink threshold and the paper."""
    t, _ = cv2.threshold(cv2.GaussianBlur(grey, (3, 3), 0), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return (float(t) + float(np.median(grey))) / 2


def read_scanned_page(
    page: Any, number: int, width: float, height: float, engine: Recognizer
) -> tuple[PageLayout, list[CellRead]]:
    """A pypdfium2 page with no text layer as a layout, and what OCR read in its grid cells."""
    scale = SCALE
    grey, coloured = render(page, scale)
    angle = skew_angle(_ink(grey))
    grey = rotate(grey, angle, fill=255)
    coloured = rotate(coloured.astype(np.uint8), angle, fill=0) > 0
    ink = _ink(grey)
    lines, grids = table_lines(ruling_lines(ink, scale), width)
    borders = line_mask(ink.shape, lines)
    text_ink = ink & ~borders
    # the recogniser sees only what is ink, taken at a lighter threshold than the layout's:
    # thin strokes inside a character (the bars of 目) blur lighter than the ink, while a
    # faint seal, a border's remains and paper texture are lighter still and read as nothing
    soft = ((grey < _soft_threshold(grey)) & ~coloured).astype(np.uint8) * 255 | ink
    keep = cv2.dilate(soft & ~borders, np.ones((3, 3), np.uint8)) > 0
    grey = np.where(keep, grey, np.uint8(255))
    in_cells = cell_lines(grey, text_ink, grids, scale)
    around = free_lines(grey, text_ink, grids, scale)
    recognise(in_cells + around, engine, grids)
    chars = [ch for ln in in_cells + around for ch in chars_of(ln, scale)]
    layout = lay_out(number, width, height, chars, lines, [])
    return layout, _cell_reads(number, layout, in_cells, grids)


def _cell_reads(number: int, layout: PageLayout, lines: list[Line], grids: list[Any]) -> list[CellRead]:
    """Per grid cell holding ink: its text as the layout placed it and its weakest character.

    The layout's grids are rebuilt from the same lines, so they match the ones read here
    cell for cell; the text comes from the layout (reading order, whitespace dropped).
    """
    by_cell: dict[tuple[int, int], list[Line]] = {}
    for ln in lines:
        if ln.cell is not None:
            by_cell.setdefault(ln.cell, []).append(ln)
    out: list[CellRead] = []
    for (gi, ci), cell_lines_ in by_cell.items():
        if gi >= len(layout.grids) or ci >= len(layout.grids[gi].cells):
            continue
        cell = layout.grids[gi].cells[ci]
        glyphs = [g for ln in cell_lines_ for g in ln.glyphs]
        confidence = min((g.confidence for g in glyphs), default=0.0)
        amount = bool(glyphs) and all(g.text in AMOUNT_CHARS for g in glyphs)
        bbox = [round(cell.x0, 2), round(cell.top, 2), round(cell.x1, 2), round(cell.bottom, 2)]
        out.append(CellRead(number, bbox, cell.text, round(confidence, 4), amount))
    return out
