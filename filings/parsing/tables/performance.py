"""`department_performance` (部门整体支出绩效目标表) and `project_performance`
(项目支出绩效目标表, one per project).

The top of these tables is a form (`项目名称 | …`, `主管部门 | … | 实施单位 | …`, the
funds block, the goals), read by its label cells; below it comes the indicator grid, read
by its header (`一级指标 二级指标 三级指标 指标值 [三级指标 指标值] 说明`). An adjustment
filing prints two 三级指标/指标值 pairs (年初, 调整), an original filing one.

一级/二级指标 cells are merged over many rows and carried down. A merged cell that runs over
a page break may show its text on one page only; the rows on the other page get it from
the neighbouring page's edge cell (see `_resolve_level`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from budget_filing.kinds import (
    BASIC,
    DEPARTMENT_FUND_PARTS,
    FISCAL,
    LOCAL,
    NON_FISCAL,
    OTHER_FUNDS,
    PROJECT_FUND_SCORED,
    PROJECT_PART,
    SUPERIOR,
    TARGET_SIDES,
    TOTAL,
)

from ..amounts import unit_in, yuan
from ..layout import Cell
from ..titles import PROJECT_PERFORMANCE, nfkc, squash
from .base import Builder, Row, column_set

SIDES = TARGET_SIDES
LEVELS = ("level1", "level2")

_FUND_FIELDS_PROJECT: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"资金总额|总金额|^合计"), TOTAL),
    (re.compile(r"非财政拨款"), NON_FISCAL),
    (re.compile(r"财政拨款"), FISCAL),
    (re.compile(r"其他资金"), NON_FISCAL),
    (re.compile(r"上级补助|上级资金"), SUPERIOR),
    (re.compile(r"本级安排|本级资金"), LOCAL),
]
_FUND_FIELDS_DEPARTMENT: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"资金总额|总金额|^合计"), TOTAL),
    (re.compile(r"^(其中:?)?基本支出"), BASIC),
    (re.compile(r"^(其中:?)?项目支出"), PROJECT_PART),
    (re.compile(r"^(其中:?)?其他"), OTHER_FUNDS),
]
_PROJECT_FUND_KEYS = PROJECT_FUND_SCORED
_DEPARTMENT_FUND_KEYS = DEPARTMENT_FUND_PARTS

_NAME_HEADER = re.compile(r"^(三级指标|指标名称|指标内容|绩效指标名称)")
_VALUE_HEADER = re.compile(r"^(年度)?(指标值|目标值|绩效指标值)")
_NOTE_HEADER = re.compile(r"^(说明|备注)")


def _is_indicator_header(texts: list[str]) -> bool:
    return any(t.startswith("一级指标") for t in texts)


class _IndicatorColumns:
    """x ranges of the indicator grid's columns, named from its header row."""

    def __init__(self, row: Row) -> None:
        self.ranges: list[tuple[float, float, str]] = []
        self.names = self.values = 0
        self.extend(row)

    def extend(self, row: Row) -> None:
        """Add the columns a header row names (a header may take two rows)."""
        names, values = self.names, self.values
        for c in row.starting:
            t = nfkc(c.text)
            if t.startswith("一级指标"):
                role = "level1"
            elif t.startswith("二级指标"):
                role = "level2"
            elif _NAME_HEADER.match(t):
                role = f"name{names}"
                names += 1
            elif _VALUE_HEADER.match(t):
                role = f"value{values}"
                values += 1
            elif _NOTE_HEADER.match(t):
                role = "note"
            else:
                continue
            self.ranges.append((c.x0, c.x1, role))
        self.names, self.values = names, values

    def role(self, cell: Cell) -> str | None:
        for x0, x1, role in self.ranges:
            if x0 - 0.5 <= cell.cx <= x1 + 0.5:
                return role
        return None


class PerformanceBuilder(Builder):
    def __init__(self, kind: str, title: str | None, page: int | None) -> None:
        super().__init__(kind, title, page)
        self.project: str | None = None
        self.supervisor: str | None = None
        self.implementer: str | None = None
        self.department: str | None = None
        self.functions: str | None = None
        self.goals: dict[str, str | None] = {s: None for s in SIDES}
        self.funds: dict[str, dict[str, str | None]] = {s: {} for s in SIDES}
        self._fund_cols: list[tuple[float, float, str]] = []
        self._ind: _IndicatorColumns | None = None
        self.indicators: list[dict[str, Any]] = []
        self._last: dict[str, str | None] = {lv: None for lv in LEVELS}
        # indicators under an empty merged level cell at the foot of a page, waiting for
        # the text printed at the head of the next page
        self._pending: dict[str, list[dict[str, Any]]] = {lv: [] for lv in LEVELS}
        self._pending_page: int | None = None
        self._rows_page: int | None = None
        self._page_head = False

    @property
    def is_project(self) -> bool:
        return self.kind == PROJECT_PERFORMANCE

    def starts_new_table(self, row: Row) -> bool:
        """A second `项目名称` row: the next project's table begins (no title between)."""
        return self.project is not None and any(nfkc(t).startswith("项目名称") for t in row.texts())

    # ------------------------------------------------------------ rows

    def feed(self, row: Row) -> None:
        self.add_page(row.page)
        self.rows_seen += 1
        texts = [nfkc(t) for t in row.texts()]
        if _is_indicator_header(texts):
            self._ind = _IndicatorColumns(row)
            return
        if (
            self._ind is not None
            and texts
            and all(_NAME_HEADER.match(t) or _VALUE_HEADER.match(t) or _NOTE_HEADER.match(t) for t in texts)
        ):
            self._ind.extend(row)  # the second row of a two-row header
            return
        if self._ind is not None and not any(t.startswith("项目名称") for t in texts):
            self._indicator(row)
            return
        self._form_row(row, texts)

    def _form_row(self, row: Row, texts: list[str]) -> None:
        for t in texts:
            self.unit = self.unit or unit_in(t)
        cells = row.starting
        sides = [
            (c, column_set((nfkc(c.text),)) if c.text and len(nfkc(c.text)) <= 12 else None) for c in cells
        ]
        if any(s in SIDES for _, s in sides) and not any(_is_figure(c.text) for c in cells):
            self._fund_cols = [(c.x0, c.x1, s) for c, s in sides if s in SIDES]
            return
        i = 0
        while i < len(cells):
            found = self._label_handler(nfkc(cells[i].text)) if cells[i].text else None
            if found is None:
                i += 1
                continue
            handler, take = found
            if take == "one":
                # `项目名称 | <name>`: the next cell is the value, whatever it says
                handler(cells[i], cells[i + 1 : i + 2])
                i += 2
                continue
            if take == "rest":
                handler(cells[i], cells[i + 1 :])
                break
            j = i + 1
            while j < len(cells) and not (cells[j].text and self._label_handler(nfkc(cells[j].text))):
                j += 1
            handler(cells[i], cells[i + 1 : j])
            i = j

    def _label_handler(self, t: str) -> tuple[Callable[[Cell, list[Cell]], None], str] | None:
        """The handler for a label cell, and which cells after it are its values: `one`
        (the next), `rest` (all the row's) or `figures` (up to the next label)."""
        if t.startswith("项目名称"):
            return self._set("project"), "one"
        if t.startswith("主管部门"):
            return self._set("supervisor"), "one"
        if t.startswith(("实施单位", "执行单位")):
            return self._set("implementer"), "one"
        if t.startswith(("部门名称", "单位名称")):
            return self._set("department"), "one"
        if "职能" in t and len(t) <= 12:
            return self._set("functions"), "one"
        if re.search(r"(总体|绩效|年度)目标", t) and len(t) <= 12:
            return self._goals, "rest"
        fields = _FUND_FIELDS_PROJECT if self.is_project else _FUND_FIELDS_DEPARTMENT
        for pattern, key in fields:
            if pattern.search(t) and len(t) <= 20:
                return self._fund(key), "figures"
        return None

    def _set(self, attr: str) -> Callable[[Cell, list[Cell]], None]:
        def handler(label: Cell, values: list[Cell]) -> None:
            if values and values[0].text and getattr(self, attr) is None:
                setattr(self, attr, squash(values[0].text))

        return handler

    def _goals(self, label: Cell, values: list[Cell]) -> None:
        for side, cell in zip(SIDES, values, strict=False):
            self.goals[side] = self.goals[side] or squash(cell.text) or None

    def _fund(self, key: str) -> Callable[[Cell, list[Cell]], None]:
        def handler(label: Cell, values: list[Cell]) -> None:
            self.unit = self.unit or unit_in(nfkc(label.text))
            for n, cell in enumerate(values):
                side = self._fund_side(cell, n)
                if side is not None and (cell.text or key not in self.funds[side]):
                    self.funds[side][key] = cell.text

        return handler

    def _fund_side(self, cell: Cell, n: int) -> str | None:
        for x0, x1, side in self._fund_cols:
            if x0 - 0.5 <= cell.cx <= x1 + 0.5:
                return side
        if self._fund_cols:
            return None
        return SIDES[n] if n < len(SIDES) else None

    # ------------------------------------------------------------ indicators

    def _indicator(self, row: Row) -> None:
        assert self._ind is not None
        # the first indicator row of a page (below any repeated header) continues the
        # level cells cut at the foot of the previous page
        self._page_head = row.page != self._rows_page
        self._rows_page = row.page
        found: dict[str, str] = {}
        level_cells: dict[str, Cell] = {}
        for cell in row.cells:
            role = self._ind.role(cell)
            if role is None:
                continue
            if role in LEVELS:
                level_cells[role] = cell
            elif cell.r0 == row.r and cell.text:
                found[role] = found.get(role, "") + squash(cell.text)
        sides: dict[str, dict[str, str | None] | None] = {}
        for n, side in enumerate(SIDES):
            name, value = found.get(f"name{n}"), found.get(f"value{n}")
            sides[side] = {"name": name, "value": value} if name or value else None
        note = found.get("note", "")
        if sides["initial"] is None and sides["adjusted"] is None and not note:
            self._touch_levels(row, level_cells)
            return
        ind: dict[str, Any] = {"level1": None, "level2": None, **sides, "note": note, **row.provenance()}
        for lv in LEVELS:
            ind[lv] = self._resolve_level(row, lv, level_cells.get(lv), ind)
        self.indicators.append(ind)

    def _touch_levels(self, row: Row, level_cells: dict[str, Cell]) -> None:
        """A row without an indicator still carries level text for the rows below."""
        for lv in LEVELS:
            cell = level_cells.get(lv)
            if cell is not None and cell.text:
                self._fill_pending(row, lv, cell)
                self._last[lv] = squash(cell.text)

    def _resolve_level(self, row: Row, lv: str, cell: Cell | None, ind: dict[str, Any]) -> str | None:
        if cell is None:
            return self._last[lv]
        if cell.text:
            self._fill_pending(row, lv, cell)
            self._last[lv] = squash(cell.text)
            return self._last[lv]
        if cell.r1 == row.grid.nrows and cell.r0 > 0:
            # empty at the foot of the page: its text may be printed on the next page
            self._pending[lv].append(ind)
            self._pending_page = row.page
        elif self._page_head and self._pending[lv] and self._pending_page != row.page:
            # the head of the next page is empty too: the carried value stands
            self._pending[lv] = []
        return self._last[lv]

    def _fill_pending(self, row: Row, lv: str, cell: Cell) -> None:
        waiting = self._pending[lv]
        if not waiting:
            return
        if self._page_head and self._pending_page != row.page:
            for ind in waiting:
                ind[lv] = squash(cell.text)
        self._pending[lv] = []

    # ------------------------------------------------------------ result

    def _funds(self) -> dict[str, Any]:
        keys = _PROJECT_FUND_KEYS if self.is_project else _DEPARTMENT_FUND_KEYS
        unit = self.unit or "元"
        out: dict[str, Any] = {}
        for side in SIDES:
            got = self.funds[side]
            if not got:
                out[side] = None
                continue
            extra = [k for k in got if k not in keys]
            out[side] = {k: yuan(got.get(k), unit) for k in (*keys, *extra)}
        return out

    def result(self) -> dict[str, Any] | None:
        if not self.indicators and self.project is None and not any(self.funds.values()):
            return None
        out = self.header()
        if self.is_project:
            out.update(project=self.project, supervisor=self.supervisor, implementer=self.implementer)
        else:
            out.update(department_name=self.department)
        out["funds"] = self._funds()
        if not self.is_project:
            out["functions"] = self.functions
        out["goals"] = dict(self.goals)
        out["indicators"] = self.indicators
        return out


def _is_figure(text: str) -> bool:
    t = squash(text).replace(",", "")
    return bool(re.match(r"^-?\d+(\.\d+)?$", t))
