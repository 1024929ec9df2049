"""What a parse did not read: ruled tables and runs of figures that no parsed table covers.

Every grid of every page is noted; a grid whose rows reached a builder that gave a table is
read. What is left, and any band of free text lines printing two or more figures apart (a
table printed without rules), is listed as unread with its page and box, so a reviewer is
told, and a partial read never looks complete.
"""

from __future__ import annotations

from typing import Any

from .amounts import is_amount
from .layout import Grid, TextLine

_SNIPPET = 40


def _snippet(texts: list[str]) -> str:
    out = ""
    for t in texts:
        if t:
            out += ("" if not out else " ") + t
        if len(out) >= _SNIPPET:
            break
    return out[:_SNIPPET]


class Coverage:
    def __init__(self) -> None:
        self._grids: list[dict[str, Any]] = []
        self._by_grid: dict[tuple[int, int], dict[str, Any]] = {}
        self._figures: list[dict[str, Any]] = []
        self._read: set[int] = set()

    def grid(self, page: int, grid: Grid) -> None:
        texts = [c.text for c in grid.cells if c.text]
        if not texts:
            return  # a ruled frame with nothing printed in it
        entry = {
            "page": page,
            "bbox": [round(grid.x0, 2), round(grid.top, 2), round(grid.x1, 2), round(grid.bottom, 2)],
            "what": "table",
            "text": _snippet(texts),
            "builders": set(),
        }
        self._grids.append(entry)
        self._by_grid[(page, id(grid))] = entry

    def fed(self, page: int, grid: Grid, builder: object) -> None:
        entry = self._by_grid.get((page, id(grid)))
        if entry is not None:
            entry["builders"].add(id(builder))

    def read(self, builder: object) -> None:
        """`builder` gave a table: the grids it was fed are read."""
        self._read.add(id(builder))

    def figures(self, page: int, lines: list[TextLine]) -> None:
        """Bands of lines with two or more separate figures on one baseline."""
        rows: dict[int, list[TextLine]] = {}
        for line in lines:
            rows.setdefault(round(line.top / 3), []).append(line)
        band: list[list[TextLine]] = []
        for key in sorted(rows):
            runs = rows[key]
            if sum(1 for ln in runs if is_amount(ln.text)) >= 2:
                band.append(runs)
                continue
            self._band(page, band)
            band = []
        self._band(page, band)
        self._by_grid = {k: v for k, v in self._by_grid.items() if k[0] == page}

    def _band(self, page: int, band: list[list[TextLine]]) -> None:
        if len(band) < 2:
            return
        lines = [ln for runs in band for ln in runs]
        self._figures.append(
            {
                "page": page,
                "bbox": [
                    round(min(ln.x0 for ln in lines), 2),
                    round(min(ln.top for ln in lines), 2),
                    round(max(ln.x1 for ln in lines), 2),
                    round(max(ln.bottom for ln in lines), 2),
                ],
                "what": "figures",
                "text": _snippet([ln.text for ln in lines]),
            }
        )

    def result(self, tables: int) -> dict[str, Any]:
        unread = [
            {k: v for k, v in g.items() if k != "builders"}
            for g in self._grids
            if not g["builders"] & self._read
        ]
        unread += self._figures
        unread.sort(key=lambda u: (u["page"], u["bbox"][1]))
        return {"tables": tables, "unread": unread}
