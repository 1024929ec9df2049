"""Ruling lines of a scanned page, as the line objects pdfplumber gives for a text PDF.

Morphological opening with a long thin kernel keeps only straight runs of ink at least that
long: table borders survive, text does not. Each surviving run becomes a zero-thickness
line in PDF points, so `layout.find_grids` builds a scan's grids exactly as a text PDF's.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ..layout import SNAP, Grid, Obj, find_grids

# shortest border kept, in points: a row is rarely under 14 points high, a column under 30
# wide, while no printed character is that tall or long in one straight stroke
MIN_H = 30.0
MIN_V = 13.0
# border pieces closer than this (points) are one border
SNAP_OCR = 3.0
# a table's rows are mostly at least this high (points)
MIN_ROW = 9.0
# a table is at least this share of the page wide
MIN_TABLE = 0.2


def _runs(mask: Any, horizontal: bool, scale: float) -> list[Obj]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out: list[Obj] = []
    for x, y, w, h, _area in stats[1:count]:
        if horizontal:
            mid = (y + h / 2) / scale
            out.append(
                {"x0": x / scale, "x1": (x + w) / scale, "top": mid, "bottom": mid, "px": (x, y, w, h)}
            )
        else:
            mid = (x + w / 2) / scale
            out.append(
                {"x0": mid, "x1": mid, "top": y / scale, "bottom": (y + h) / scale, "px": (x, y, w, h)}
            )
    return out


def ruling_lines(ink: Any, scale: float) -> list[Obj]:
    """Horizontal and vertical borders of a binary ink image (ink 255), in points."""
    h_len = max(8, int(MIN_H * scale))
    v_len = max(8, int(MIN_V * scale))
    # bridge the pixel gaps JPEG and a thin pen leave in a 1-pixel line
    bridged_h = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 3), np.uint8))
    bridged_v = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 1), np.uint8))
    hmask = cv2.morphologyEx(bridged_h, cv2.MORPH_OPEN, np.ones((1, h_len), np.uint8))
    vmask = cv2.morphologyEx(bridged_v, cv2.MORPH_OPEN, np.ones((v_len, 1), np.uint8))
    return _snap(_runs(hmask, True, scale), "top", "bottom") + _snap(_runs(vmask, False, scale), "x0", "x1")


def _snap(lines: list[Obj], a: str, b: str) -> list[Obj]:
    """Runs of one border at one position: a blurred or slightly bowed border comes out as
    pieces a point or two apart, which would make a sliver column or row."""
    lines.sort(key=lambda o: o[a])
    groups: list[list[Obj]] = []
    for o in lines:
        if groups and o[a] - groups[-1][-1][a] <= SNAP_OCR:
            groups[-1].append(o)
        else:
            groups.append([o])
    for g in groups:
        weight = [max(1e-3, (o["x1"] - o["x0"]) + (o["bottom"] - o["top"])) for o in g]
        pos = sum(o[a] * w for o, w in zip(g, weight, strict=True)) / sum(weight)
        for o in g:
            o[a] = o[b] = pos
    return lines


def table_lines(lines: list[Obj], width: float) -> tuple[list[Obj], list[Grid]]:
    """The lines that make a table, and its grids.

    A straight stroke of a character survives the opening too: alone (no border crosses
    it) it is no border; crossing others it may be a bold title's `出` making a tiny "grid".
    A filing's tables are wider than a fifth of the page, so narrower grids are text and
    their lines are dropped as well.
    """
    kept = _crossing(lines)
    small = [g for g in find_grids(kept, []) if g.x1 - g.x0 < MIN_TABLE * width or _squat(g)]
    kept = [o for o in kept if not any(_inside(g, o) for g in small)]
    return kept, find_grids(kept, [])


def _squat(g: Grid) -> bool:
    """Rows lower than any printed row: strokes of a bold title line, not a table."""
    heights = sorted(b - a for a, b in zip(g.ys, g.ys[1:], strict=False))
    return heights[len(heights) // 2] < MIN_ROW


def _crossing(lines: list[Obj]) -> list[Obj]:
    """Borders: lines meeting two lines of the other direction or more.

    A border runs from one column (or row) line to another, while a character's strokes
    cross at most one another (the `十` in `标`), or touch one border (a title printed right
    above its table).
    """
    hs = [o for o in lines if o["top"] == o["bottom"]]
    vs = [o for o in lines if o["top"] != o["bottom"]]

    def meets(h: Obj, v: Obj) -> bool:
        return (
            h["x0"] - SNAP <= v["x0"] <= h["x1"] + SNAP and v["top"] - SNAP <= h["top"] <= v["bottom"] + SNAP
        )

    for _ in range(2):
        hs = [h for h in hs if sum(meets(h, v) for v in vs) >= 2]
        vs = [v for v in vs if sum(meets(h, v) for h in hs) >= 2]
    return hs + vs


def _inside(g: Grid, o: Obj) -> bool:
    return (
        g.x0 - 1 <= o["x0"] and o["x1"] <= g.x1 + 1 and g.top - 1 <= o["top"] and o["bottom"] <= g.bottom + 1
    )


def line_mask(shape: tuple[int, ...], lines: list[Obj]) -> Any:
    """The border pixels of `lines`, a little widened, to erase before reading the text."""
    mask = np.zeros(shape, np.uint8)
    for o in lines:
        x, y, w, h = o["px"]
        mask[max(0, y - 2) : y + h + 2, max(0, x - 2) : x + w + 2] = 255
    return mask
