"""`grid`: any ruled table that is not one of the six typed kinds, kept whole (SCHEMA.md).

A grid is read the way a person reads a spreadsheet: its header rows name each column by
the header cells printed above it, top to bottom (`收入预算/合计`); the columns that name a
row (codes, 类/款/项, 科目名称, 项目) give the row's `code` and `label`, every other column is a
value column. A table printed in panels side by side (收入 | 支出, or one list folded into
two halves) is split where a naming column follows a value column: each panel's lines are
rows of their own, panel by panel; panels headed 收入 and 支出 are the table's two sides.

Nothing here knows a particular filing: the same code reads 收入总表, 经济分类, “三公”, 决算
tables and whatever a producer prints next, and the typed builders that need panels (the
收支总表) are built on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from budget_filing.kinds import EXPENSE, GRID, INCOME
from budget_filing.text import nfkc, squash

from ..amounts import AmountError, is_amount, is_blank, parse_amount, to_yuan, unit_in
from ..layout import Cell, Grid
from ..titles import is_note
from .base import CODE_PARTS, Builder, CodeParts, Row, is_header_row, is_label_header

_CODE_HEADER = re.compile(r"编码|代码|编号")
# headers of the columns that name a row; other words (`专项名称`, `采购物品名称`, `经济科目`) are
# value columns of text, as the schema lists them
_LABEL_HEADER = re.compile(
    r"^(项目|项目名称|科目|科目名称|名称|收入项目|支出项目|单位名称|预算科目|.*科目名称)$"
)
_DIGITS = re.compile(r"^\d{1,9}$")
# a 类/款/项 code (3, 5 or 7 digits) before the name in one cell; not a year (`2025年…`)
_CODE_AND_NAME = re.compile(r"^(\d{3}|\d{5}|\d{7})(?![\d年月日%.,，、])(\D.*)$")
_EMPTY_MARK = re.compile(r"^(无|无数据|本表无数据|空表|本表为空表)[。.]?$")


def _is_code_path(path: tuple[str, ...]) -> int | None:
    """-1 for a whole-code column, 0/1/2 for a 类/款/项 part column, None for no code column."""
    if path and path[-1] in CODE_PARTS:
        return CODE_PARTS[path[-1]]
    if any(_CODE_HEADER.search(nfkc(t)) for t in path):
        return -1
    return None


def _is_label_path(path: tuple[str, ...]) -> bool:
    if not path:
        return False
    leaf = nfkc(path[-1])
    # `功能分类科目名称全称`, `支出功能分类科目`: a name column however it is worded
    return bool(_LABEL_HEADER.match(leaf)) or (is_label_header(leaf) and bool(re.search("名称|科目", leaf)))


def _header_words(row: Row) -> bool:
    """Every cell starting on this row printed, none a figure, a code, a dash or a sentence."""
    cells = row.starting
    if not cells:
        return False
    for c in cells:
        t = squash(c.text)
        if not t or is_amount(t) or _DIGITS.match(t) or is_blank(t) or len(t) > 40:
            return False
        if _EMPTY_MARK.match(t) or is_note(t):
            return False
    return True


def _header_goes_on(grid: Grid, header_rows: list[int], r: int) -> bool:
    """Whether row r can still be a header row by the structure above it.

    The header is open while a cell of the last header row spans several columns (its
    sub-headers are still to come) or a header cell runs down into row r; a flat header row
    closes it, so a table of text rows does not read its first rows as headers.
    """
    if not header_rows:
        return True
    last = header_rows[-1]
    for c in range(len(grid.xs) - 1):
        cell = grid.cells[grid.index[last][c]]
        if cell.c1 - cell.c0 > 1 or cell.r1 > r:
            return True
    return False


@dataclass
class _Column:
    c: int  # elementary grid column
    x0: float
    x1: float
    path: tuple[str, ...]
    code_part: int | None = None
    label: bool = False

    @property
    def name(self) -> str:
        return "/".join(self.path)


@dataclass
class _Panel:
    columns: list[_Column] = field(default_factory=list)
    side: str | None = None

    @property
    def value_columns(self) -> list[_Column]:
        return [c for c in self.columns if c.code_part is None and not c.label]


def _layout(grid: Grid, header_rows: list[int], all_values: bool) -> list[_Panel]:
    """The panels and columns a page's header rows define."""
    columns: list[_Column] = []
    for c in range(len(grid.xs) - 1):
        seen: dict[int, None] = {}
        for r in header_rows:
            seen.setdefault(grid.index[r][c], None)
        path = tuple(squash(grid.cells[i].text) for i in seen if squash(grid.cells[i].text))
        col = _Column(c, grid.xs[c], grid.xs[c + 1], path)
        if not all_values:
            col.code_part = _is_code_path(path)
            col.label = col.code_part is None and _is_label_path(path)
        columns.append(col)
    _number_code_parts(columns)
    panels: list[_Panel] = [_Panel()]
    for col in columns:
        naming = col.label or col.code_part is not None
        if naming and panels[-1].value_columns:
            panels.append(_Panel())
        panels[-1].columns.append(col)
    _name_sides(panels)
    return panels


def _number_code_parts(columns: list[_Column]) -> None:
    """Two or three adjacent code columns under one `科目编码` header are 类, 款 and 项."""
    run: list[_Column] = []
    for col in [*columns, None]:
        if col is not None and col.code_part == -1 and (not run or run[-1].path == col.path):
            run.append(col)
            continue
        if 2 <= len(run) <= 3:
            for n, part in enumerate(run):
                part.code_part = n
        run = [col] if col is not None and col.code_part == -1 else []


def _name_sides(panels: list[_Panel]) -> None:
    if len(panels) < 2:
        return
    for p in panels:
        top = nfkc(p.columns[0].path[0]) if p.columns and p.columns[0].path else ""
        if "收入" in top or top == "收":
            p.side = INCOME
        elif "支出" in top or top == "支":
            p.side = EXPENSE
    if not {p.side for p in panels} >= {INCOME, EXPENSE}:
        for p in panels:
            p.side = None


def _complete_header(grid: Grid, header_rows: list[int], panels: list[_Panel], row: Row) -> set[str]:
    """A header cell over several value columns with nothing printed under it is finished by
    the next row's words (`本年支出` over `合计 | 基本支出 | 项目支出` printed on the 合计 line).

    Returns the names the completed columns had (the row's other cells are still data)."""
    done: list[tuple[_Column, str]] = []
    old: set[str] = set()
    for panel in panels:
        for col in panel.value_columns:
            above = grid.cells[grid.index[header_rows[-1]][col.c]]
            if above.c1 - above.c0 < 2:
                continue
            under = grid.cells[grid.index[row.r][col.c]]
            text = squash(under.text)
            if under.r0 != row.r or under.c1 - under.c0 != 1 or not text or is_amount(text):
                continue
            if all(
                squash(grid.cells[grid.index[row.r][c]].text)
                and not is_amount(grid.cells[grid.index[row.r][c]].text)
                for c in range(above.c0, above.c1)
            ):
                done.append((col, text))
    for col, text in done:
        old.add(col.name)
        col.path = (*col.path, text)
        grid.cells[grid.index[row.r][col.c]].text = ""
    # `科目编码` over three code columns with `类 | 款 | 项` printed on the 合计 line
    for panel in panels:
        for col in panel.columns:
            under = grid.cells[grid.index[row.r][col.c]]
            text = squash(under.text)
            if (
                col.code_part is not None
                and under.r0 == row.r
                and under.c1 - under.c0 == 1
                and text in CODE_PARTS
            ):
                col.code_part = CODE_PARTS[text]
                under.text = ""
    return old


class GridBuilder(Builder):
    """Collects a grid table's rows across pages; a continuation page without headers reuses
    the columns of the page before (matched by position)."""

    def __init__(self, kind: str, title: str | None, page: int | None, role: str = "other") -> None:
        super().__init__(GRID if kind != GRID else kind, title, page)
        self.role = role
        self.panels: list[_Panel] = []
        self.columns_seen: list[str] = []
        self.panel_rows: list[list[dict[str, Any]]] = []
        self.note: str | None = None
        self._grid: Grid | None = None
        self._header: list[int] = []
        self._reading_header = False
        self._parts = CodeParts()
        # a group cell cut by a page break (see _group_text)
        self._top_r = 0
        self._tail: dict[int, str] = {}
        self._pending: list[dict[str, Any]] = []
        self._pending_page: int | None = None
        self._waiting_group = False

    # ------------------------------------------------------------ rows

    def feed(self, row: Row) -> None:
        self.add_page(row.page)
        self.rows_seen += 1
        if row.grid is not self._grid:
            self._grid = row.grid
            self._header = []
            self._reading_header = True
        if self._reading_header and self._is_header(row):
            self._header.append(row.r)
            for text in row.texts():
                self.unit = self.unit or unit_in(text)  # `金额（万元）`
            return
        if self._reading_header:
            self._reading_header = False
            self._top_r = row.r
            if self._header:
                self._set_layout(row.grid)
            elif self.panels:
                self._rebase(row.grid)
            else:
                self._set_layout(row.grid)  # no header at all: every column a value column
            if self._header:
                replaced = _complete_header(row.grid, self._header, self.panels, row)
                if replaced:
                    current = [col.name for p in self.panels for col in p.value_columns]
                    self.columns_seen = current + [
                        c for c in self.columns_seen if c not in current and c not in replaced
                    ]
        self.data(row)

    def _is_header(self, row: Row) -> bool:
        if not _header_words(row) or not _header_goes_on(row.grid, self._header, row.r):
            return False
        if self.panels and not self._header:
            # a continuation page: only the header printed again, not a first row of text
            known = {squash(t) for p in self.panels for col in p.columns for t in col.path}
            return all(squash(t) in known for t in row.texts()) or is_header_row(row)
        return True

    def _set_layout(self, grid: Grid) -> None:
        self.panels = _layout(grid, self._header, all_values=self.role == "procurement")
        while len(self.panel_rows) < len(self.panels):
            self.panel_rows.append([])
        self._record_columns()

    def _record_columns(self) -> None:
        for p in self.panels:
            for col in p.value_columns:
                if col.name not in self.columns_seen:
                    self.columns_seen.append(col.name)

    def _rebase(self, grid: Grid) -> None:
        """Map the known columns onto a continuation page's grid by their x position."""
        for p in self.panels:
            for col in p.columns:
                cx = (col.x0 + col.x1) / 2
                best = min(range(len(grid.xs) - 1), key=lambda c: abs((grid.xs[c] + grid.xs[c + 1]) / 2 - cx))
                col.c = best

    def data(self, row: Row) -> None:
        label_cols = [col.c for p in self.panels for col in p.columns if col.label]
        for n, panel in enumerate(self.panels):
            entry = self._panel_row(row, panel, label_cols)
            if entry is not None:
                entry.update(row.provenance())
                self.panel_rows[n].append(entry)

    def _cell(self, row: Row, c: int) -> Cell | None:
        if c >= len(row.grid.xs) - 1:
            return None
        return row.grid.cells[row.grid.index[row.r][c]]

    def _panel_row(self, row: Row, panel: _Panel, label_cols: list[int]) -> dict[str, Any] | None:
        """One panel's part of a printed line, or None when it holds nothing."""
        mine = {col.c for col in panel.columns}
        my_labels = [col.c for col in panel.columns if col.label]

        def owner(cell: Cell) -> str:
            """`label` when the cell covers one of this panel's naming columns (the last it covers,
            so a cell merged over two panels' labels is the second's), `elsewhere` when that is
            another panel's, else `value` (codes and figures)."""
            covered = [c for c in label_cols if cell.c0 <= c < cell.c1]
            if covered:
                return "label" if covered[-1] in mine else "elsewhere"
            return "value"

        parts: dict[int, str] = {}
        labels: list[str] = []
        values: dict[str, str | None] = {}
        used: set[int] = set()
        any_start = False
        last_label = my_labels[-1] if my_labels else None
        for col in panel.columns:
            cell = self._cell(row, col.c)
            if cell is None:
                continue
            key = id(cell)
            text = squash(cell.text)
            role = owner(cell)
            if role == "elsewhere":
                continue
            if role == "label" or col.label:
                if key in used or role != "label":
                    continue
                used.add(key)
                starts = cell.r0 == row.r
                any_start = any_start or (starts and bool(text))
                group = last_label is not None and cell.c1 <= last_label
                if group:
                    text = self._group_text(row, col.c, cell, text, len(labels))
                # a group cell merged down over its rows names them all; the leaf must be printed here
                if text and (starts or group):
                    labels.append(text)
                continue
            if key in used:
                continue
            used.add(key)
            if cell.r0 != row.r:
                if col.code_part is None:
                    values.setdefault(col.name, None)
                continue
            if col.code_part is not None:
                if text and _DIGITS.match(text):
                    parts[max(col.code_part, 0) if col.code_part >= 0 else -1] = text
                    any_start = True
                elif text:
                    labels.append(text)
                    any_start = True
                continue
            value = self._value(text)
            if value is not None:
                any_start = True
            if col.name in values and values[col.name] is not None:
                continue
            values[col.name] = value
        for col in panel.value_columns:
            values.setdefault(col.name, None)
        label = "/".join(labels) if labels else None
        if (
            not my_labels
            and label is None
            and panel.columns
            and not any(c.code_part is not None for c in panel.columns)
        ):
            label = next((v for v in values.values() if v is not None and not _is_money(v)), None)
        code = self._code(parts)
        if code is None and label is not None and not any(c.code_part is not None for c in panel.columns):
            # `301 工资福利支出` printed in one 科目 cell: the code and the name
            m = _CODE_AND_NAME.match(label)
            if m:
                code, label = m.group(1), m.group(2)
        if not any_start or (label is None and code is None and all(v is None for v in values.values())):
            return None
        if label is not None and is_note(label) and code is None and all(v is None for v in values.values()):
            # `注：本部门无政府性基金预算，故本表为空表。` printed as the table's last ruled row
            self.note = (self.note or "") + label
            return None
        if (
            label is not None
            and _EMPTY_MARK.match(label)
            and code is None
            and all(v is None for v in values.values())
        ):
            return None  # a lone `无`: the table's way of saying it is empty, not a row
        entry = {"side": panel.side, "code": code, "label": label, "values": values}
        if self._waiting_group and label is not None:
            self._pending.append(entry)
        self._waiting_group = False
        return entry

    def _group_text(self, row: Row, c: int, cell: Cell, text: str, before: int) -> str:
        """A group cell's text, across a page break: a merged group cut by the break shows its
        name on one page only, so the rows on the other page take it from there."""
        grid = row.grid
        at_top = cell.r0 <= self._top_r
        at_bottom = cell.r1 == grid.nrows and cell.r0 > self._top_r
        if text:
            if at_top and self._pending and row.page != self._pending_page:
                for entry in self._pending:  # the rows at the foot of the page before
                    entry["label"] = f"{text}/{entry['label']}"
            if at_top:
                self._pending = []
            self._tail[c] = text if cell.r1 == grid.nrows else ""
            return text
        if at_top and self._tail.get(c) and before == 0:
            return self._tail[c]  # the group goes on from the page before
        if at_bottom and before == 0:
            self._waiting_group = True  # its name is printed on the next page
            self._pending_page = row.page
        return text

    def _value(self, text: str) -> str | None:
        """An amount in yuan, None for a blank or a dash, else the text as printed."""
        try:
            return to_yuan(parse_amount(text), self.unit or "元")
        except AmountError:
            return text

    def _code(self, parts: dict[int, str]) -> str | None:
        if -1 in parts:
            return parts[-1]
        return self._parts.join(parts) or None

    # ------------------------------------------------------------ result

    def label_columns(self) -> int:
        """How many naming (label) columns the widest panel has."""
        return max((sum(1 for c in p.columns if c.label) for p in self.panels), default=0)

    def value_paths(self) -> list[tuple[str, ...]]:
        """The header paths of the value columns last read (for typed builders' checks)."""
        return [col.path for p in self.panels for col in p.value_columns]

    def rows(self) -> list[dict[str, Any]]:
        """All rows, panel by panel; with sides, all income rows first."""
        order = list(range(len(self.panels)))
        if any(p.side for p in self.panels):
            order.sort(key=lambda n: 0 if self.panels[n].side == INCOME else 1)
        return [r for n in order for r in self.panel_rows[n]] if self.panel_rows else []

    def result(self) -> dict[str, Any] | None:
        if not self.panels:
            return None
        out = {
            **self.header(),
            "kind": GRID,
            "role": self.role,
            "columns": list(self.columns_seen),
            "rows": self.rows(),
        }
        if self.note:
            out["note"] = self.note
        return out


def _is_money(value: str) -> bool:
    return bool(re.match(r"^-?\d+\.\d{2}$", value))
