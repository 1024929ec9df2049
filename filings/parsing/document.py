"""From page layouts to the `budget-filing/1` document.

The pages are read as one stream of text lines and grid rows. A title line opens a table
of the kind it names; the rows that follow, on this page and the next ones, belong to it
until the next title. This is what lets a table start mid-page, run over several pages,
share a page with others, and continue without repeated headers.
"""

from __future__ import annotations

import re
from typing import Any

from budget_filing import SCHEMA
from budget_filing.kinds import ADJUSTMENT, FINAL, FINAL_ACCOUNTS, ORIGINAL, PERFORMANCE_KINDS

from .amounts import unit_in
from .coverage import Coverage
from .layout import PageLayout, TextLine
from .narrative import Narrative
from .tables.base import (
    Builder,
    Row,
    column_set,
    header_text,
    header_word,
    is_header_row,
    is_note_header,
    split_of,
)
from .tables.functional import FunctionalBuilder
from .tables.grid import GridBuilder
from .tables.performance import PerformanceBuilder
from .tables.projects import ProjectListBuilder
from .tables.summary import SummaryBuilder
from .titles import (
    DEPARTMENT_PERFORMANCE,
    FUNCTIONAL,
    GRID,
    PROJECT,
    PROJECT_PERFORMANCE,
    SUMMARY,
    TRANSFER,
    clean_org,
    cover_facts,
    grid_role,
    is_appendix_mark,
    is_footer,
    is_note,
    labelled_org,
    looks_like_title,
    majority,
    nfkc,
    squash,
    strip_appendix,
    title_facts,
    title_kind,
    valid_org,
)

_BUILDERS: dict[str, type[Builder]] = {
    SUMMARY: SummaryBuilder,
    FUNCTIONAL: FunctionalBuilder,
    PROJECT: ProjectListBuilder,
    TRANSFER: ProjectListBuilder,
    DEPARTMENT_PERFORMANCE: PerformanceBuilder,
    PROJECT_PERFORMANCE: PerformanceBuilder,
}
# typed kinds read from a plain grid too, kept when the typed reading finds nothing
_SHADOWED = (FUNCTIONAL, PROJECT, TRANSFER)
# prose lines after a table's rows that end it: a paragraph of the 说明, not a note
_PROSE_LINES_CLOSE = 6
# lines between a title and its grid beyond which the title was a heading or a 目录 entry
_PROSE_LINES_ABANDON = 3


_QUALIFIER = re.compile(r"^\([^()]*(分类|科目)[^()]*\)$")


def _wraps_onto(head: TextLine | None, line: TextLine) -> bool:
    """Whether `line` is the next line of the paragraph `head` ends: same size, right below."""
    return (
        head is not None
        and abs(head.size - line.size) <= 0.5
        and 0 <= line.top - head.bottom < 0.8 * line.size
    )


def _continues(head: TextLine, line: TextLine) -> bool:
    """Whether `head` is the first line of a title that wraps onto `line`."""
    return (
        _wraps_onto(head, line)
        and not looks_like_title(head.text)
        and not unit_in(head.text)
        and not is_note(head.text)
        and not head.text.endswith(("。", "：", ":"))
    )


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
        self._prose = 0
        self._note_line: TextLine | None = None
        self.orgs: list[str] = []
        # a cover's `XX局2026年部门预算`: the department and year when nothing else names them
        self.cover_orgs: list[str] = []
        self.cover_years: list[str] = []
        self.shadows: dict[int, GridBuilder] = {}
        self.coverage = Coverage()
        self.narrative = Narrative()

    def _open(self, kind: str, title: str | None, page: int | None) -> Builder:
        builder: Builder
        if kind == GRID:
            builder = GridBuilder(kind, title, page, role=grid_role(title))
        else:
            builder = _BUILDERS[kind](kind, title, page)
        if kind in _SHADOWED:
            self.shadows[id(builder)] = GridBuilder(GRID, title, page, role=grid_role(title))
        self.builders.append(builder)
        self.current = builder
        self._prose = 0
        if page is not None:
            self._touch(builder)
        return builder

    def _touch(self, builder: Builder) -> None:
        if builder not in self._touched:
            self._touched.append(builder)

    # ------------------------------------------------------------ pages

    def page(self, layout: PageLayout) -> None:
        signature = layout.signature()
        if signature and (
            signature == self._previous_signature
            or (layout.ocr is not None and _alike(signature, self._previous_signature))
        ):
            # a page printed twice: it counts as a page of its tables, its rows once
            for builder in self._touched:
                builder.add_page(layout.number)
            return
        self._previous_signature = signature
        self._touched = []
        items: list[tuple[float, int, TextLine | Row]] = []
        for line in self._facts(layout):
            items.append((line.top, 0, line))
        for g in layout.grids:
            self.coverage.grid(layout.number, g)
            for r in range(g.nrows):
                items.append((g.ys[r], 1, Row(layout.number, g, r, g.row_cells(r))))
        items.sort(key=lambda it: (it[0], it[1]))
        for _, _, item in items:
            if isinstance(item, Row):
                self._row(item)
            else:
                self._line(item, layout.number)
        self.coverage.figures(layout.number, layout.lines)
        self.narrative.page(layout)

    def _facts(self, layout: PageLayout) -> list[TextLine]:
        """The page's lines without those that name the department (`编制部门：…`, or `部门：`
        with the name printed apart on the same baseline), whose names are kept."""
        lines = layout.lines
        taken: set[int] = set()
        for i, line in enumerate(lines):
            found = labelled_org(line.text)
            if found is None:
                org, year = cover_facts(line.text)
                if org:
                    self.cover_orgs.append(org)
                if year:
                    self.cover_years.append(str(year))
                continue
            if not unit_in(line.text):
                taken.add(i)  # a line that also names the unit stays for the unit
            name = found[1]
            if not name:
                beside = [
                    j
                    for j, other in enumerate(lines)
                    if j not in taken
                    and j != i
                    and abs(other.top - line.top) <= 3
                    and other.x0 >= line.x1 - 1
                    and not unit_in(other.text)
                ]
                if beside:
                    j = min(beside, key=lambda j: lines[j].x0)
                    taken.add(j)
                    name = lines[j].text
            org = valid_org(name)
            if org:
                self.orgs.append(org)
        return [line for i, line in enumerate(lines) if i not in taken]

    def _line(self, line: TextLine, page: int) -> None:
        text = line.text
        head, self._last_line = self._last_line, None
        if is_footer(text) or is_appendix_mark(text):
            return
        cur = self.current
        if cur is not None and cur.rows_seen == 0 and cur.title and _QUALIFIER.match(nfkc(text)):
            # `（功能分类科目）` wrapped onto its own line is still the title
            cur.title += squash(text)
            return
        joined = head.text + text if head is not None and _continues(head, line) else None
        if looks_like_title(text) or (joined is not None and looks_like_title(joined)):
            kind = title_kind(text) if looks_like_title(text) else title_kind(joined or "")
            if kind is not None:
                if joined is not None and head is not None:
                    # a long title wrapped over two lines (`…预算表（经济科目` + `）`, or
                    # `…支出预算` + `表`): the first line named no table on its own
                    if cur is not None and cur.subtitle == squash(head.text):
                        cur.subtitle = None
                    text = joined
                    kind = title_kind(text) or kind
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
        if (
            isinstance(cur, GridBuilder)
            and cur.rows_seen > 0
            and (is_note(text) or _wraps_onto(self._note_line, line))
        ):
            # a note under the table, or the next line of one wrapped onto it; never the 说明 after
            cur.note = (cur.note or "") + squash(text)
            self._note_line = line
            return
        self._note_line = None
        if cur.rows_seen == 0 and cur.subtitle is None and not is_note(text):
            cur.subtitle = squash(text)
            self._touch(cur)
            return
        if not is_note(text):
            self._prose += 1
            limit = _PROSE_LINES_CLOSE if cur.rows_seen else _PROSE_LINES_ABANDON
            if self._prose >= limit:
                self.current = None

    def _title(self, kind: str, text: str, page: int) -> None:
        text = strip_appendix(text)
        cur = self.current
        if (
            cur is not None
            and cur.kind == kind
            and cur.title == squash(text)
            and kind not in PERFORMANCE_KINDS
            and cur.rows_seen > 0
        ):
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
        elif isinstance(cur, PerformanceBuilder) and cur.is_project and cur.starts_new_table(row):
            prev = cur
            cur = self._open(cur.kind, prev.title, row.page)
            cur.subtitle = prev.subtitle
        self._prose = 0
        cur.feed(row)
        shadow = self.shadows.get(id(cur))
        if shadow is not None:
            shadow.unit = cur.unit
            shadow.feed(row)
        self.coverage.fed(row.page, row.grid, cur)
        self._touch(cur)

    def _title_row(self, row: Row) -> bool:
        """A title or unit line printed inside the grid, as its first rows."""
        if row.r > 0 and not self._grid_head:
            return False
        self._grid_head = False
        cells = [c for c in row.starting if c.text]
        if not cells:
            return False
        if all(unit_in(c.text) or is_appendix_mark(c.text) or labelled_org(c.text) for c in cells):
            # `部门：… | 单位：万元` printed inside the first ruled row
            unit = next((u for c in cells if (u := unit_in(c.text))), None)
            if self.current is not None and unit and self.current.unit is None:
                self.current.unit = unit
            for c in cells:
                found = labelled_org(c.text)
                org = valid_org(found[1]) if found else None
                if org:
                    self.orgs.append(org)
            self._grid_head = True
            return True
        wide = max(cells, key=lambda c: c.x1 - c.x0)
        others = [c for c in cells if c is not wide]
        if (
            wide.x1 - wide.x0 < 0.6 * (row.grid.x1 - row.grid.x0)
            or not looks_like_title(wide.text)
            or not all(unit_in(c.text) or is_appendix_mark(c.text) for c in others)
        ):
            return False
        kind = title_kind(wide.text)
        if kind is None:
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
        facts = self._filing_facts()
        final = facts["stage"] == FINAL
        tables = []
        for b in self.builders:
            shadow = self.shadows.get(id(b))
            typed = final and b.kind != GRID or (shadow is not None and not _fits(b, shadow))
            table = None if typed else b.result()
            if table is None and shadow is not None:
                table = shadow.result()
            if table is None:
                continue
            if final and table["kind"] == GRID:
                table["role"] = FINAL_ACCOUNTS
            tables.append(table)
            self.coverage.read(b)
        if not final and not facts["stage_named"] and any(_has_adjusted(t) for t in tables):
            facts["stage"] = ADJUSTMENT
        facts.pop("stage_named")
        return {
            "schema": SCHEMA,
            **facts,
            "tables": tables,
            "coverage": self.coverage.result(len(tables)),
            "narrative": self.narrative.paragraphs,
        }

    def _filing_facts(self) -> dict[str, Any]:
        titled = [b for b in self.builders if b.title]
        facts = [(b, title_facts(b.title or "", b.subtitle)) for b in titled]
        names_from_form = [
            clean_org(getattr(b, "department", None))
            for b in self.builders
            if b.kind == DEPARTMENT_PERFORMANCE
        ]
        names_from_titles = [f.org for b, f in facts if b.kind != PROJECT_PERFORMANCE]
        supervisors = [
            clean_org(getattr(b, "supervisor", None)) for b in self.builders if b.kind == PROJECT_PERFORMANCE
        ]
        other_titles = [f.org for _, f in facts]
        department = (
            majority(names_from_form)
            or majority(names_from_titles)
            or majority(self.orgs)
            or majority(self.cover_orgs)
            or majority(supervisors)
            or majority(other_titles)
        )
        years = [str(f.year) for _, f in facts if f.year]
        year_text = majority(years) or majority(self.cover_years)
        if any(f.final for _, f in facts):
            stage, named = FINAL, True
        elif any(f.adjustment for _, f in facts):
            stage, named = ADJUSTMENT, True
        else:
            stage, named = ORIGINAL, False
        return {
            "department": department,
            "year": int(year_text) if year_text else None,
            "stage": stage,
            "stage_named": named,
        }


def _alike(a: tuple[str, ...], b: tuple[str, ...] | None) -> bool:
    """Two scans of one page: OCR reads a few of its cells differently each time."""
    if b is None or len(a) != len(b) or len(a) < 10:
        return False
    return sum(x == y for x, y in zip(a, b, strict=True)) >= 0.9 * len(a)


def _fits(builder: Builder, shadow: GridBuilder) -> bool:
    """Whether every column the table prints has its place in the typed kind.

    A 功能分类 table with 合计 | 人员经费 | 公用经费 | 项目支出 is no `functional_expenditure`,
    a 项目支出表 with 单位名称 | 项目名称 | 项目类型 | 金额 no `project_expenditure`: read as the
    typed kind, some of their columns would be lost, so they stay grids.
    """
    paths = [tuple(header_text(t) for t in path) for path in shadow.value_paths()]
    paths = [p for p in paths if not any(is_note_header(t) for t in p)]
    places: set[tuple[str, str]] = set()
    if builder.kind in (PROJECT, TRANSFER):
        if shadow.label_columns() > 1:
            return False
        for path in paths:
            cols = column_set(path)
            if cols is None or (cols, "") in places:
                return False
            places.add((cols, ""))
        return True
    if builder.kind != FUNCTIONAL:
        return True
    for path in paths:
        cols = column_set(path)
        split = split_of(path) or ("total" if cols or len(paths) == 1 else None)
        place = (cols or "initial", split or "")
        if split is None or place in places:
            return False
        places.add(place)
    return True


def _has_adjusted(table: dict[str, Any]) -> bool:
    if table["kind"] in PERFORMANCE_KINDS:
        funds = table.get("funds") or {}
        return bool(funds.get("adjusted")) or any(
            ind.get("adjusted") for ind in table.get("indicators") or []
        )
    for row in table.get("rows") or []:
        adjusted = row.get("adjusted")
        if isinstance(adjusted, dict):
            if any(adjusted.values()):
                return True
        elif adjusted:
            return True
    return False
