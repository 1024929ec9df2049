"""Text of a scanned page as character objects: in each grid cell, and around the grids.

Text lines are found from the ink itself: inside a cell (borders erased) the rows holding
ink are its lines; outside the grids, ink rows split at wide gaps are the free lines
(titles, units, prose). Each line image is recognised and every character becomes a dict
like pdfplumber's (`text`, `x0`, `x1`, `top`, `bottom`, `size`, in PDF points) with the
recogniser's `confidence`, so `layout.lay_out` places it into cells as it would a text
PDF's characters.

Cells of an amount column (most of its read cells are figures) are read again with only an
amount's characters allowed, which turns a misread `O` or `l` into the digit it stands for
while leaving its low probability visible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..amounts import is_amount
from ..layout import Grid, Obj
from .engine import AMOUNT_CHARS, FIGURE_STRETCH, Glyph, Reading, Recognizer

# a text line is at least this tall (px at 200 dpi ~ 2.5 points): shorter ink is a speck
_MIN_LINE_PX = 6
# ink rows this close (px) belong to one text line (the gap inside 二, 三)
_ROW_GAP = 2
# margin of white kept around a line image, in px
_PAD = 4
# characters that stand for a digit when OCR reads an amount cell with the full alphabet
_LOOKALIKE = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "S": "5",
        "B": "8",
        "，": ",",
        "。": ".",
        "．": ".",
        "—": "-",
        "一": "-",
        "－": "-",
        "Z": "2",
    }
)
_SPECKS = set("，,。.、‘’'\"“”:：;；·`^~_")
_SPECK_CONFIDENCE = 0.7
# a figure whose every character is this sure is not read a second time
_SURE = 0.97
_FIGURE = re.compile(r"^[0-9,.\-()]+$")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Line:
    """One text line image to recognise and where it stands on the page (px)."""

    x0: int
    top: int
    x1: int
    bottom: int
    image: Any
    cell: tuple[int, int] | None = None  # (grid, cell index) when inside a grid
    reading: Reading | None = None
    glyphs: list[Glyph] = field(default_factory=list)


@dataclass
class CellRead:
    """An OCR'd grid cell: its text as read and its least sure character's probability."""

    page: int
    bbox: list[float]  # points
    text: str
    confidence: float
    amount: bool  # read as an amount (its column holds figures)


def _bands(profile: Any, min_len: int, gap: int) -> list[tuple[int, int]]:
    """Runs of non-zero entries, joined across gaps of at most `gap`."""
    on = np.flatnonzero(profile)
    if on.size == 0:
        return []
    out: list[tuple[int, int]] = []
    start = prev = int(on[0])
    for i in on[1:]:
        i = int(i)
        if i - prev > gap + 1:
            out.append((start, prev + 1))
            start = i
        prev = i
    out.append((start, prev + 1))
    return [(a, b) for a, b in out if b - a >= min_len]


def _line(
    grey: Any, ink: Any, x0: int, top: int, x1: int, bottom: int, cell: tuple[int, int] | None
) -> Line | None:
    cols = np.flatnonzero(ink[top:bottom, x0:x1].any(axis=0))
    if cols.size == 0:
        return None
    a, b = x0 + int(cols[0]), x0 + int(cols[-1]) + 1
    if (ink[top:bottom, a:b] > 0).sum() < 12:
        return None  # a speck of noise, not a character
    h, w = grey.shape
    ya, yb = max(0, top - _PAD), min(h, bottom + _PAD)
    xa, xb = max(0, a - _PAD), min(w, b + _PAD)
    return Line(xa, ya, xb, yb, grey[ya:yb, xa:xb], cell)


def cell_lines(grey: Any, ink: Any, grids: list[Grid], scale: float) -> list[Line]:
    """The text lines inside each grid cell (ink = text only, borders erased)."""
    out: list[Line] = []
    for gi, g in enumerate(grids):
        for ci, c in enumerate(g.cells):
            x0, x1 = int(c.x0 * scale) + 2, int(c.x1 * scale) - 2
            top, bottom = int(c.top * scale) + 2, int(c.bottom * scale) - 2
            if x1 - x0 < 4 or bottom - top < 4:
                continue
            rows = ink[top:bottom, x0:x1].any(axis=1)
            for a, b in _bands(rows, _MIN_LINE_PX, _ROW_GAP):
                line = _line(grey, ink, x0, top + a, x1, top + b, (gi, ci))
                if line is not None:
                    out.append(line)
    return out


def free_lines(grey: Any, ink: Any, grids: list[Grid], scale: float) -> list[Line]:
    """The text lines outside the grids: ink rows, split where a gap is wider than 3 lines' height."""
    free = ink.copy()
    for g in grids:
        free[max(0, int(g.top * scale) - 2) : int(g.bottom * scale) + 3,
             max(0, int(g.x0 * scale) - 2) : int(g.x1 * scale) + 3] = 0  # fmt: skip
    out: list[Line] = []
    for top, bottom in _bands(free.any(axis=1), _MIN_LINE_PX, _ROW_GAP):
        cols = free[top:bottom].any(axis=0)
        height = bottom - top
        for a, b in _bands(cols, 1, max(2, int(1.5 * height))):
            line = _line(grey, free, a, top, b, bottom, None)
            if line is not None:
                out.append(line)
    return out


def _trimmed(glyphs: list[Glyph]) -> list[Glyph]:
    """Without the unsure specks read as punctuation at a line's ends: the remains of a seal
    or a scratch, never printed text (a real trailing `。` reads with confidence)."""
    while glyphs and glyphs[-1].text in _SPECKS and glyphs[-1].confidence < _SPECK_CONFIDENCE:
        glyphs = glyphs[:-1]
    while glyphs and glyphs[0].text in _SPECKS and glyphs[0].confidence < _SPECK_CONFIDENCE:
        glyphs = glyphs[1:]
    return glyphs


def _figure_like(text: str) -> bool:
    t = text.replace(" ", "").translate(_LOOKALIKE)
    return bool(t) and not _CJK.search(text) and bool(_FIGURE.match(t)) and any(ch.isdigit() for ch in t)


def _normal_separators(text: str) -> str | None:
    """An amount whose separators OCR confused (`1.234,00`, `12,34`) spelled plainly, or None.

    The last separator before one, two or four digits is the decimal point, every other one
    a thousands separator; used only when the text as read is no amount.
    """
    m = re.fullmatch(r"([-(]?)([0-9][0-9,.]*?)([.,](\d{1,2}|\d{4}))?([)\-]?)", text)
    if not m:
        return None
    whole = m.group(2).replace(",", "").replace(".", "")
    dec = f".{m.group(4)}" if m.group(4) else ""
    return f"{m.group(1)}{whole}{dec}{m.group(5)}"


def recognise(lines: list[Line], engine: Recognizer, grids: list[Grid]) -> None:
    """Read every line; then read again, widened and as amounts, the figure cells of each
    figure column (most of its read cells are figures)."""
    readings = engine.read([ln.image for ln in lines])
    for ln, r in zip(lines, readings, strict=True):
        ln.reading = r
        ln.glyphs = _trimmed([g for g in r.glyphs if not g.text.isspace()])
    by_column: dict[tuple[int, int], list[Line]] = {}
    for ln in lines:
        if ln.cell is not None:
            gi, ci = ln.cell
            by_column.setdefault((gi, grids[gi].cells[ci].c1), []).append(ln)
    figures: list[Line] = []
    for column in by_column.values():
        read = [ln for ln in column if ln.glyphs]
        found = [ln for ln in read if _figure_like("".join(g.text for g in ln.glyphs))]
        if read and len(found) * 2 >= len(read):
            figures.extend(found)
    # a figure read without doubt at normal width is not read again (every digit dropped at
    # normal width showed below 0.9); the others are, widened
    unsure = [ln for ln in figures if min(g.confidence for g in ln.glyphs) < _SURE]
    wide = dict(
        zip(map(id, unsure), engine.read([ln.image for ln in unsure], stretch=FIGURE_STRETCH), strict=True)
    )
    for ln in figures:
        assert ln.reading is not None
        reading = wide.get(id(ln), ln.reading)
        first = _amount_glyphs(engine.reread_amount(ln.reading))
        glyphs = _amount_glyphs(engine.reread_amount(reading)) or first
        if glyphs and "".join(g.text for g in glyphs) != "".join(g.text for g in first):
            # the two readings disagree: whichever is kept, it is not sure
            glyphs = [Glyph(g.text, g.confidence * 0.5, g.x0, g.x1) for g in glyphs]
        if glyphs:
            ln.reading, ln.glyphs = reading, glyphs
        text = "".join(g.text for g in ln.glyphs)
        if text and not is_amount(text):
            fixed = _normal_separators(text)
            if fixed is not None and is_amount(fixed):
                ln.glyphs = _respelled(ln.glyphs, fixed)


def _amount_glyphs(glyphs: list[Glyph]) -> list[Glyph]:
    return [g for g in glyphs if g.text in AMOUNT_CHARS]


def _respelled(glyphs: list[Glyph], text: str) -> list[Glyph]:
    """Glyphs carrying `text` instead: a corrected reading, never surer than half its weakest."""
    sure = min(g.confidence for g in glyphs) * 0.5
    x0, x1 = glyphs[0].x0, glyphs[-1].x1
    step = (x1 - x0) / max(1, len(text))
    return [Glyph(ch, sure, x0 + i * step, x0 + (i + 1) * step) for i, ch in enumerate(text)]


def chars_of(line: Line, scale: float) -> list[Obj]:
    """A recognised line's characters as pdfplumber-like dicts in points (with `confidence`)."""
    glyphs = line.glyphs
    if not glyphs:
        return []
    top, bottom = line.top + _PAD, line.bottom - _PAD
    size = max(1.0, (bottom - top) / scale)
    out: list[Obj] = []
    # a CTC glyph is a spike a frame or two wide: widen each to the midpoints with its neighbours
    centres = [(g.x0 + g.x1) / 2 for g in glyphs]
    for i, g in enumerate(glyphs):
        left = (centres[i - 1] + centres[i]) / 2 if i else g.x0
        right = (centres[i] + centres[i + 1]) / 2 if i + 1 < len(glyphs) else g.x1
        out.append(
            {
                "text": g.text,
                "x0": (line.x0 + left) / scale,
                "x1": (line.x0 + max(right, left + 1)) / scale,
                "top": top / scale,
                "bottom": bottom / scale,
                "size": size,
                "confidence": g.confidence,
            }
        )
    return out
