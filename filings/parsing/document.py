"""From page layouts to the `budget-filing/1` document.

The pages are read as one stream of text lines and grid rows. A title line opens a table
of the kind it names; the rows that follow, on this page and the next ones, belong to it
until the next title. This is what lets a table start mid-page, run over several pages,
share a page with others, and continue without repeated headers.
"""
from __future__ import annotations

import re
from typing import Any

from .amounts import unit_in
from .layout import PageLayout, TextLine
from .tables.base import Builder, Row, header_word, is_header_row
from .tables.functional import FunctionalBuilder
from .tables.performance import PerformanceBuilder
from .tables.projects import ProjectListBuilder
from .tables.summary import SummaryBuilder
from .titles import (
    DEPARTMENT_PERFORMANCE,
    FUNCTIONAL,
    IGNORED,
    PROJECT,
    PROJECT_PERFORMANCE,
    SUMMARY,
    TRANSFER,
    clean_org,
    is_appendix_mark,
    is_footer,
    is_note,
    looks_like_title,
    majority,
    nfkc,
    squash,
    strip_appendix,
    title_facts,
    title_kind,
)

SCHEMA = "budget-filing/1"
PERFORMANCE_KINDS = (DEPARTMENT_PERFORMANCE, PROJECT_PERFORMANCE)
_BUILDERS: dict[str, type[Builder]] = {
    SUMMARY: SummaryBuilder,
    FUNCTIONAL: FunctionalBuilder,
    PROJECT: ProjectListBuilder,
    TRANSFER: ProjectListBuilder,
    DEPARTMENT_PERFORMANCE: PerformanceBuilder,
    PROJECT_PERFORMANCE: PerformanceBuilder,
    IGNORED: Builder,
}


_QUALIFIER = re.compile(r"^\([^()]*(分类|科目)[^()]*\)$")


def _continues(head: TextLine, line: TextLine) -> bool:
    """Whether `head` is the first line of a title that wraps onto `line`."""
    return (abs(head.size - line.size) <= 0.5 and 0 <= line.top - head.bottom < 0.8 * line.size
            and not looks_like_title(head.text) and not unit_in(head.text)
            and not is_note(head.text) and not head.text.endswith(("。", "：", ":")))


def _form_kind(row: Row, current: Builder | None = None) -> str | None:
    """A performance form recognised by its first label, for a table printed untitled.

    A `项目名称` row that is a list's header (`项目名称 | 预算金额 | …`, in any wording, or
    any row of a list table whose header is already read) opens no form: a project list
    printed with headers we do not know must not turn into a bogus target table.
    """
    cells = [c for c in row.starting if c.text]
    if len(cells) < 2 or header_word(cells[1].text) or is_header_row(row):
        return None
    if current is not None and current.kind in (PROJECT, TRANSFER) and current.columns:
        return None
    first = nfkc(cells[0].text)
    if first.startswith("项目名称"):
        return PROJECT_PERFORMANCE
    if first.startswith("部门名称"):
        return DEPARTMENT_PERFORMANCE
    return None


class Assembler:
    """Feeds the pages' lines and rows to table builders, in reading order."""

    def __init__(self) -> None:
        self.builders: list[Builder] = []
        self.current: Builder | None = None
        self._previous_signature: tuple[str, ...] | None = None
        self._touched: list[Builder] = []
        self._last_line: TextLine | None = None
        self._grid_head = False

    def _open(self, kind: str, title: str | None, page: int | None) -> Builder:
        builder = _BUILDERS[kind](kind, title, page)
        self.builders.append(builder)
        self.current = builder
        if page is not None:
            self._touch(builder)
        return builder

    def _touch(self, builder: Builder) -> None:
        if builder not in self._touched:
            self._touched.append(builder)

    # ------------------------------------------------------------ pages

    def page(self, layout: PageLayout) -> None:
        signature = layout.signature()
        if signature and signature == self._previous_signature:
            # a page printed twice: it counts as a page of its tables, its rows once
            for builder in self._touched:
                builder.add_page(layout.number)
            return
        self._previous_signature = signature
        self._touched = []
        items: list[tuple[float, int, TextLine | Row]] = []
        for line in layout.lines:
            items.append((line.top, 0, line))
        for g in layout.grids:
            for r in range(g.nrows):
                items.append((g.ys[r], 1, Row(layout.number, g, r, g.row_cells(r))))
        items.sort(key=lambda it: (it[0], it[1]))
        for _, _, item in items:
            if isinstance(item, Row):
                self._row(item)
            else:
                self._line(item, layout.number)

    def _line(self, line: TextLine, page: int) -> None:
        text = line.text
        head, self._last_line = self._last_line, None
        if is_footer(text) or is_appendix_mark(text):
            return
        cur = self.current
        if cur is not None and cur.rows_seen == 0 and cur.title and _QUALIFIER.match(
                nfkc(text)):
            # `（功能分类科目）` wrapped onto its own line is still the title
            cur.title += squash(text)
            return
        if looks_like_title(text):
            kind = title_kind(text)
            if kind is not None:
                if head is not None and _continues(head, line):
                    # a long title wrapped over two lines: the first named no table
                    if cur is not None and cur.subtitle == squash(head.text):
                        cur.subtitle = None
                    text = head.text + text
                self._title(kind, text, page)
                return
        if cur is None:
            self._last_line = line
            return
        unit = unit_in(text)
        if unit:
            if cur.unit is None:
                cur.unit = unit
                self._touch(cur)
            return
        self._last_line = line
        if cur.rows_seen == 0 and cur.subtitle is None and not is_note(text):
            cur.subtitle = squash(text)
            self._touch(cur)

    def _title(self, kind: str, text: str, page: int) -> None:
        text = strip_appendix(text)
        cur = self.current
        if (cur is not None and cur.kind == kind and cur.title == squash(text)
                and kind not in PERFORMANCE_KINDS and cur.rows_seen > 0):
            # the title repeated at the head of a continuation page
            cur.add_page(page)
            self._touch(cur)
            return
        self._open(kind, text, page)

    def _row(self, row: Row) -> None:
        self._last_line = None
        if self._title_row(row):
            return
        cur = self.current
        form = _form_kind(row, cur)
        if form is not None and (cur is None or cur.kind not in PERFORMANCE_KINDS):
            title = cur.title if cur is not None and cur.rows_seen == 0 else None
            if cur is not None and cur.rows_seen == 0:
                # a title of another kind directly above: it was this form's title
                self.builders.remove(cur)
            cur = self._open(form, title, row.page)
        elif cur is None:
            return
        elif isinstance(cur, PerformanceBuilder) and cur.is_project and \
                cur.starts_new_table(row):
            prev = cur
            cur = self._open(cur.kind, prev.title, row.page)
            cur.subtitle = prev.subtitle
        cur.feed(row)
        self._touch(cur)

    def _title_row(self, row: Row) -> bool:
        """A title or unit line printed inside the grid, as its first rows."""
        if row.r > 0 and not self._grid_head:
            return False
        self._grid_head = False
        cells = [c for c in row.starting if c.text]
        if not cells:
            return False
        if all(unit_in(c.text) or is_appendix_mark(c.text) for c in cells):
            unit = next((u for c in cells if (u := unit_in(c.text))), None)
            if self.current is not None and unit and self.current.unit is None:
                self.current.unit = unit
            self._grid_head = True
            return True
        wide = max(cells, key=lambda c: c.x1 - c.x0)
        others = [c for c in cells if c is not wide]
        if wide.x1 - wide.x0 < 0.6 * (row.grid.x1 - row.grid.x0) or not looks_like_title(
                wide.text) or not all(unit_in(c.text) or is_appendix_mark(c.text)
                                      for c in others):
            return False
        kind = title_kind(wide.text)
        if kind is None or kind == IGNORED:
            return False
        self._title(kind, wide.text, row.page)
        for c in cells:
            unit = unit_in(c.text)
            if unit and self.current is not None:
                self.current.unit = unit
        self._grid_head = True
        return True

    # ------------------------------------------------------------ document

    def document(self) -> dict[str, Any]:
        tables = []
        for b in self.builders:
            if b.kind == IGNORED:
                continue
            table = b.result()
            if table is not None:
                tables.append(table)
        return {"schema": SCHEMA, **self._filing(tables), "tables": tables}

    def _filing(self, tables: list[dict[str, Any]]) -> dict[str, Any]:
        titled = [b for b in self.builders if b.title]
        facts = [(b, title_facts(b.title or "", b.subtitle)) for b in titled]
        names_from_form = [clean_org(t.get("department_name")) for t in tables
                           if t["kind"] == DEPARTMENT_PERFORMANCE]
        names_from_titles = [f.org for b, f in facts if b.kind not in (
            PROJECT_PERFORMANCE, IGNORED)]
        supervisors = [clean_org(t.get("supervisor")) for t in tables
                       if t["kind"] == PROJECT_PERFORMANCE]
        other_titles = [f.org for _, f in facts]
        department = (majority(names_from_form) or majority(names_from_titles)
                      or majority(supervisors) or majority(other_titles))
        years = [str(f.year) for _, f in facts if f.year]
        year_text = majority(years)
        adjustment = any(f.adjustment for _, f in facts) or any(
            _has_adjusted(t) for t in tables)
        return {"department": department,
                "year": int(year_text) if year_text else None,
                "stage": "adjustment" if adjustment else "original"}


def _has_adjusted(table: dict[str, Any]) -> bool:
    if table["kind"] in PERFORMANCE_KINDS:
        funds = table.get("funds") or {}
        return bool(funds.get("adjusted")) or any(
            ind.get("adjusted") for ind in table.get("indicators") or [])
    for row in table.get("rows") or []:
        adjusted = row.get("adjusted")
        if isinstance(adjusted, dict):
            if any(adjusted.values()):
                return True
        elif adjusted:
            return True
    return False
