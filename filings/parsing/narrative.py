"""The 说明: the prose a package prints around its tables, kept as paragraphs with their page and box.

Rules compare the figures written here with the tables (SCHEMA.md: narrative findings are
keyed `narrative` / `p<page>`), so the text is kept as printed, whitespace removed, one
paragraph per numbered item or indented first line, never across pages.
"""

from __future__ import annotations

import re
from typing import Any

from .amounts import unit_in
from .layout import PageLayout, TextLine
from .titles import is_appendix_mark, is_contents_entry, is_footer, is_note, looks_like_title, squash

# a paragraph starts with a numbering: 一、 （一） 1、 1. (1)
_NUMBERED = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))"
)
_SENTENCE = re.compile(r"[。，；]")


def _prose(line: TextLine, on_grid_page: bool) -> bool:
    text = line.text
    if is_footer(text) or is_appendix_mark(text) or looks_like_title(text) or is_note(text):
        return False
    if is_contents_entry(text):
        return False
    if unit_in(text) and len(squash(text)) <= 12:
        return False
    # on a page with tables only sentences are prose; titles, units and labels are not
    return not on_grid_page or bool(_SENTENCE.search(text))


class Narrative:
    """Collects the prose lines of each page into paragraphs."""

    def __init__(self) -> None:
        self.paragraphs: list[dict[str, Any]] = []

    def page(self, layout: PageLayout) -> None:
        grids = layout.grids
        lines = [
            ln
            for ln in layout.lines
            if 0 <= ln.top <= layout.height
            and not any(g.top - 1 <= ln.top <= g.bottom + 1 and g.x0 - 1 <= ln.x0 <= g.x1 for g in grids)
            and _prose(ln, bool(grids))
        ]
        if not lines:
            return
        left = min(ln.x0 for ln in lines)
        current: list[TextLine] = []
        for line in lines:
            starts = bool(_NUMBERED.match(squash(line.text))) or line.x0 > left + 0.8 * line.size
            gap = current and line.top - current[-1].bottom > 1.2 * line.size
            if current and (starts or gap):
                self._add(layout.number, current)
                current = []
            current.append(line)
        if current:
            self._add(layout.number, current)

    def _add(self, page: int, lines: list[TextLine]) -> None:
        self.paragraphs.append(
            {
                "page": page,
                "text": "".join(squash(ln.text) for ln in lines),
                "bbox": [
                    round(min(ln.x0 for ln in lines), 2),
                    round(min(ln.top for ln in lines), 2),
                    round(max(ln.x1 for ln in lines), 2),
                    round(max(ln.bottom for ln in lines), 2),
                ],
            }
        )
