"""Across a 部门预算公开 package: the identities its tables hold by construction, and completeness (issue 12).

A package prints the same money several times: the department's total in the 收支总表, the
收入总表 and the 支出总表; each fund's income in the 收支总表 and the 财政拨款收支总表; the
一般公共预算 expense by function in its own table and in the 财政拨款收支总表's 一般公共预算
column; its 基本支出 again, by economic code, in the 经济分类 table.  Each rule below collects
the prints of one quantity and says where they disagree.  When three or more prints are there
the odd ones out are reported (the others agree on the figure they should show); where no
figure has a majority (two prints that disagree), every print is reported, each naming the
others, for a reviewer to tell which table is wrong.  Two prints agree when they differ by at
most one printed step of the coarser table.

Where two figures legitimately differ there is no rule: “三公” 经费 cover project funds too
while the 经济分类 table covers 基本支出 only; 其他资金 (事业收入, 其他收入 …) are outside
财政拨款; a 财政拨款基本支出 table includes 政府性基金 basic expense that a 一般公共预算 one
does not; the 机关运行经费 is the 公用经费 of 行政 units only.

Only a budget (`stage` original) is checked: a 决算's tables are all `final_accounts` grids,
and an adjustment has no package tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from budget_filing.kinds import (
    ECONOMIC_BASIC,
    EXPENSE,
    EXPENSE_SPLIT,
    FINAL,
    FISCAL_SUMMARY,
    FUNCTIONAL,
    GOVERNMENT_FUND,
    GRID,
    INCOME,
    INCOME_SOURCES,
    INITIAL,
    KIND_LABELS,
    ROLE_LABELS,
    STATE_CAPITAL,
    SUMMARY,
    SUMMARY_GRID,
    THREE_PUBLIC,
)
from budget_filing.text import nfkc, squash

from . import amounts, grids, structure
from .model import Filing, Hit, Severity, Table, amount_at
from .names import NUMBERING, match_key
from .registry import rule

# The three fund types of 财政拨款, as printed in labels and headers.
GENERAL = "一般公共预算"
GOV_FUND = "政府性基金"
STATE_FUND = "国有资本经营"
FUNDS = (GENERAL, GOV_FUND, STATE_FUND)
FUND_OF_ROLE = {GOVERNMENT_FUND: GOV_FUND, STATE_CAPITAL: STATE_FUND}
_CARRIED = re.compile(r"结转|结余")


@dataclass(frozen=True)
class Print:
    """One printed figure: where it is (table, row, cell) and what it is called there."""

    table: Table
    row_index: int | None
    cell: str
    value: Decimal | None
    where: str
    key: str

    @property
    def side(self) -> str:
        return "" if self.row_index is None else nfkc(self.table.rows[self.row_index].get("side"))

    @property
    def page(self) -> str:
        row = self.table.rows[self.row_index] if self.row_index is not None else None
        return grids.page_of(self.table, row)


def _table_name(table: Table) -> str:
    if table.kind == GRID:
        return ROLE_LABELS.get(table.role, table.role) if table.role else KIND_LABELS[GRID]
    return KIND_LABELS.get(table.kind, table.kind)


# ------------------------------------------------------------------ reading the tables


def _label(row: Mapping[str, Any]) -> object:
    return row.get("label")


def _plain_name(text: object) -> str:
    """A 类 name as the 收支总表 prints it and the functional table names it: no numbering."""
    return match_key(NUMBERING.sub("", nfkc(text)))


class Summary:
    """The 收支总表 (typed, or a `summary` grid read by its total column)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.rows = table.rows
        self.sides: dict[str, list[int]] = {}
        for i, row in enumerate(self.rows):
            self.sides.setdefault(nfkc(row.get("side")), []).append(i)

    def _cell(self, i: int) -> tuple[str, Decimal | None]:
        row = self.rows[i]
        if self.table.kind == SUMMARY:
            return INITIAL, amount_at(row, INITIAL)
        cols = grids.amount_columns(self.table)
        col = grids.side_total_column(self.table, row, cols)
        return (grids.cell(col), grids.value(row, col)) if col else ("", None)

    def print_at(self, i: int, what: str) -> Print:
        cell, value = self._cell(i)
        label = squash(self.rows[i].get("label"))
        return Print(self.table, i, cell, value, f"{_table_name(self.table)}“{label}”", label or what)

    def totals(self, side: str) -> list[Print]:
        """The side's totals, highest first (收入总计, then 本年收入合计 …)."""
        indices = self.sides.get(side, [])
        found = [(structure.total_rank(_label(self.rows[i])), i) for i in indices]
        found = [(r, i) for r, i in found if r and not structure.group_of(_label(self.rows[i]))]
        found.sort(key=lambda ri: -ri[0])
        return [self.print_at(i, "总计") for _, i in found]

    def fund_income(self, fund: str) -> Print | None:
        hits = [
            i
            for i in self.sides.get(INCOME, [])
            if fund in nfkc(self.rows[i].get("label"))
            and not _CARRIED.search(nfkc(self.rows[i].get("label")))
        ]
        return self.print_at(hits[0], fund) if len(hits) == 1 else None

    def fiscal_income(self) -> Print | None:
        """The line that adds up all 财政拨款 income (一、财政拨款收入), where printed."""
        hits = []
        for i in self.sides.get(INCOME, []):
            label = nfkc(self.rows[i].get("label"))
            if "财政拨款" in label and not any(f in label for f in FUNDS) and not _CARRIED.search(label):
                if not structure.total_rank(label):
                    hits.append(i)
        return self.print_at(hits[0], "财政拨款") if len(hits) == 1 else None

    def class_lines(self) -> dict[str, Print]:
        """Expense lines by 类 name (the first breakdown: 一、一般公共服务支出 …)."""
        found: dict[str, Print] = {}
        for i in self.sides.get(EXPENSE, []):
            label = nfkc(self.rows[i].get("label"))
            number = structure.numbering(label)
            if structure.total_rank(label):
                break
            if number is None or number[0] != 1:
                continue
            name = _plain_name(label)
            if name in found:
                break  # numbering restarted: 一、基本支出 … is no 类
            found[name] = self.print_at(i, name)
        return found

    def all_general(self) -> bool:
        """Every yuan of income is 一般公共预算 money: then the department's expense tables and
        the 一般公共预算 ones print the same figures."""
        fund = self.fund_income(GENERAL)
        totals = self.totals(INCOME)
        if fund is None or fund.value is None or not totals:
            return False
        step = self.table.printed_step
        return all(abs(amounts.or_zero(t.value) - fund.value) <= step for t in totals)


def _summary(filing: Filing) -> Summary | None:
    table = filing.first(SUMMARY) or next((t for t in filing.of_kind(GRID) if t.role == SUMMARY_GRID), None)
    return Summary(table) if table is not None else None


def _role(filing: Filing, role: str) -> list[Table]:
    return [t for t in filing.of_kind(GRID) if t.role == role]


def _column(table: Table, word: str, cols: Sequence[str] | None = None) -> str | None:
    """The column headed `word` (its group's 小计/合计 where it has sub-columns), shallowest first."""
    cols = list(cols if cols is not None else grids.amount_columns(table))
    found = []
    for c in cols:
        segs = [nfkc(s) for s in c.split("/")]
        for k, s in enumerate(segs):
            if word in s and not s.startswith("其中"):
                rest = segs[k + 1 :]
                if not rest or (len(rest) == 1 and structure.total_rank(rest[0])):
                    found.append((len(segs), c))
                break
    found.sort(key=lambda x: x[0])
    return found[0][1] if found else None


def _total_column(table: Table, cols: Sequence[str] | None = None) -> str | None:
    cols = list(cols if cols is not None else grids.amount_columns(table))
    if len(cols) == 1:
        return cols[0]
    totals = [c for c in cols if any(structure.total_rank(s) for s in c.split("/"))]
    totals.sort(key=lambda c: len(c.split("/")))
    return totals[0] if totals else None


def _grand_row(table: Table, indices: Sequence[int] | None = None) -> int | None:
    rows = table.rows
    indices = list(indices if indices is not None else range(len(rows)))
    found = structure.grand_total(rows, indices, _label)
    if found is not None:
        return found[0]
    unnamed = [i for i in indices if not squash(rows[i].get("label")) and not squash(rows[i].get("code"))]
    return unnamed[0] if len(indices) == 1 and unnamed else None


def _grid_print(table: Table, row: int | None, col: str | None, what: str) -> Print | None:
    if row is None or col is None:
        return None
    r = table.rows[row]
    key = grids.row_key(r)
    return Print(table, row, grids.cell(col), grids.value(r, col), f"{_table_name(table)}“{col}”", key)


def _functional(filing: Filing) -> Table | None:
    return filing.first(FUNCTIONAL)


def _functional_print(table: Table, i: int, part: str) -> Print:
    row = table.rows[i]
    key = squash(row.get("code")) or squash(row.get("name"))
    label = {"total": "合计", "basic": "基本支出", "project": "项目支出"}[part]
    return Print(
        table,
        i,
        f"{INITIAL}.{part}",
        amount_at(row, f"{INITIAL}.{part}"),
        f"{_table_name(table)}{label}",
        key,
    )


def _functional_grand(table: Table) -> int | None:
    for i, row in enumerate(table.rows):
        if not nfkc(row.get("code")) and structure.total_rank(row.get("name")):
            return i
    return None


def _economic(filing: Filing) -> Table | None:
    tables = _role(filing, ECONOMIC_BASIC)
    general = [t for t in tables if GENERAL in nfkc(t.data.get("title"))]
    if general:
        return general[0]
    return tables[0] if len(tables) == 1 and "财政拨款" not in nfkc(tables[0].data.get("title")) else None


def _budget(filing: Filing) -> bool:
    return str(filing.doc.get("stage") or "") != FINAL and str(filing.doc.get("stage") or "") != "adjustment"


# ------------------------------------------------------------------ comparing prints


def _agree(a: Print, b: Print) -> bool:
    step = max(a.table.printed_step, b.table.printed_step)
    return abs(amounts.or_zero(a.value) - amounts.or_zero(b.value)) <= step


def _disagreements(prints: Sequence[Print | None], what: str) -> Iterator[Hit]:
    """One hit per print that does not show the figure the others do (see the module doc)."""
    found = [p for p in prints if p is not None and p.cell]
    if len(found) < 2 or all(p.value is None for p in found):
        return
    groups: list[list[Print]] = []
    for p in found:
        for g in groups:
            if _agree(g[0], p):
                g.append(p)
                break
        else:
            groups.append([p])
    if len(groups) == 1:
        return
    sizes = sorted((len(g) for g in groups), reverse=True)
    majority = max(groups, key=len) if sizes[0] > sizes[1] else None
    for p in found:
        if majority is not None and p in majority:
            continue
        right = majority if majority is not None else [o for o in found if not _agree(o, p)]
        others = "；".join(f"{o.where}为 {o.table.fmt_unit(o.value)}{o.page}" for o in right)
        yield Hit(
            p.table.index,
            p.key,
            f"{what}：{p.where}印为 {p.table.fmt_unit(p.value)}{p.page}，{others}",
            row_index=p.row_index,
            cells=(p.cell,),
            printed=p.value,
            expected=right[0].value,
            detail=f"{what}: {p.table.fmt(p.value)} in {p.table.finding_kind} (table {p.table.index}), "
            + ", ".join(
                f"{o.table.fmt(o.value)} in {o.table.finding_kind} (table {o.table.index})" for o in right
            ),
        )


# ------------------------------------------------------------------ the identities


@rule(
    "package.totals",
    "cross_table_mismatch",
    Severity.ERROR,
    "收支总表的收入总计、支出总计 = 收入总表合计 = 支出总表合计",
)
def check_totals(filing: Filing) -> Iterator[Hit]:
    """The department's total, printed four times.

    收入总表 lists every income by source, 支出总表 every expense by function split into 基本 /
    项目: their 合计 is the 收支总表's 收入总计 (= 支出总计).  Some templates leave 上年结转 (or
    结转下年) out of them: a 合计 equal to the 收支总表's 本年收入合计 / 本年支出合计 agrees too.
    """
    if not _budget(filing):
        return
    summary = _summary(filing)
    if summary is None:
        return
    incomes, expenses = summary.totals(INCOME), summary.totals(EXPENSE)
    if not incomes or not expenses:
        return
    prints: list[Print | None] = [incomes[0], expenses[0]]
    for role, lower in ((INCOME_SOURCES, incomes[1:]), (EXPENSE_SPLIT, expenses[1:])):
        for table in _role(filing, role):
            p = _grid_print(table, _grand_row(table), _total_column(table), "合计")
            if p is None:
                continue
            if any(_agree(p, low) for low in lower) and not _agree(p, prints[0]):  # type: ignore[arg-type]
                continue  # a 合计 of 本年 money only
            prints.append(p)
    yield from _disagreements(prints, "部门收支总额")


def _fiscal_income(table: Table) -> tuple[list[Print], dict[str, Print]]:
    """A 财政拨款收支总表's income totals (highest first) and its income line per fund."""
    sides = grids.sides(table)
    rows = table.rows
    income = sides.get(INCOME) or sides.get("", [])
    cols = grids.amount_columns(table)
    inc_cols = [c for c in cols if any(grids.value(rows[i], c) is not None for i in income)]

    def at(i: int, what: str) -> Print | None:
        col = grids.side_total_column(table, rows[i], inc_cols)
        label = squash(rows[i].get("label"))
        if col is None:
            return None
        return Print(
            table,
            i,
            grids.cell(col),
            grids.value(rows[i], col),
            f"{_table_name(table)}“{label}”",
            label or what,
        )

    totals = sorted(
        (
            (structure.total_rank(_label(rows[i])), i)
            for i in income
            if structure.total_rank(_label(rows[i])) >= 2
        ),
        key=lambda ri: -ri[0],
    )
    total_prints = [p for p in (at(i, "合计") for _, i in totals) if p is not None]
    funds: dict[str, Print] = {}
    for fund in FUNDS:
        hits = [
            i
            for i in income
            if fund in nfkc(rows[i].get("label"))
            and not _CARRIED.search(nfkc(rows[i].get("label")))
            and not structure.total_rank(_label(rows[i]))
        ]
        p = at(hits[0], fund) if hits else None
        if p is not None:
            funds[fund] = p
    return total_prints, funds


@rule(
    "package.fiscal",
    "cross_table_mismatch",
    Severity.ERROR,
    "财政拨款收支总表的收入（分一般公共预算、政府性基金、国有资本经营）= 收支总表的财政拨款收入各行",
)
def check_fiscal(filing: Filing) -> Iterator[Hit]:
    """财政拨款 income, printed twice.

    The 财政拨款收支总表 is the 财政拨款 part of the 收支总表: its income lines per fund type
    (一般公共预算, 政府性基金, 国有资本经营) are the 收支总表's lines of the same funds, and its
    本年 income total is the 收支总表's 财政拨款 line (一、财政拨款收入) where one is printed.  The
    财政拨款 上年结转 lines are left alone: the 收支总表 does not split its 上年结转 by fund.
    """
    if not _budget(filing):
        return
    summary = _summary(filing)
    if summary is None:
        return
    for table in _role(filing, FISCAL_SUMMARY):
        totals, funds = _fiscal_income(table)
        for fund, p in funds.items():
            yield from _disagreements([summary.fund_income(fund), p], f"{fund}收入")
        parent = summary.fiscal_income()
        if parent is not None and totals:
            lowest = totals[-1]
            if not any(_agree(parent, t) for t in totals):
                yield from _disagreements([parent, lowest], "财政拨款收入")


def _fiscal_general_expense(filing: Filing) -> tuple[Print | None, dict[str, Print]]:
    """The 财政拨款收支总表's 一般公共预算 expense column: its total and its lines by 类 name."""
    for table in _role(filing, FISCAL_SUMMARY):
        sides = grids.sides(table)
        expense = sides.get(EXPENSE, [])
        if not expense:
            continue
        rows = table.rows
        cols = [
            c
            for c in grids.amount_columns(table)
            if any(grids.value(rows[i], c) is not None for i in expense)
        ]
        col = _column(table, GENERAL, cols)
        if col is None:
            continue
        grand = _grand_row(table, expense)
        total = _grid_print(table, grand, col, "合计")
        lines: dict[str, Print] = {}
        for i in expense:
            label = nfkc(rows[i].get("label"))
            if structure.total_rank(label):
                break
            number = structure.numbering(label)
            if number is None or number[0] != 1:
                continue
            name = _plain_name(label)
            if name in lines:
                break
            p = _grid_print(table, i, col, name)
            if p is not None:
                lines[name] = p
        return total, lines
    return None, {}


def _expense_split(filing: Filing) -> tuple[Table, dict[str, str | None]] | None:
    tables = _role(filing, EXPENSE_SPLIT)
    if not tables:
        return None
    table = tables[0]
    cols = grids.amount_columns(table)
    return table, {
        "total": _total_column(table, cols),
        "basic": _column(table, "基本支出", cols),
        "project": _column(table, "项目支出", cols),
    }


@rule(
    "package.functional",
    "cross_table_mismatch",
    Severity.ERROR,
    "一般公共预算支出功能分类表 = 财政拨款收支总表的一般公共预算列（合计与各类）；"
    "全部收入为一般公共预算时 = 支出总表、收支总表",
)
def check_functional(filing: Filing) -> Iterator[Hit]:
    """一般公共预算 expense by function, printed up to four times.

    The functional table (一般公共预算支出功能分类) lists 一般公共预算 expense only; the
    财政拨款收支总表's 一般公共预算 column is the same money, 合计 and 类 by 类.  The 支出总表
    and the 收支总表's expense lines cover every fund and 其他资金 as well: they print the same
    figures only when all of the department's income is 一般公共预算 (its 一般公共预算 line is
    the 收入总计), and only then are they compared — 合计, 基本支出 and 项目支出, and code by code.
    """
    if not _budget(filing):
        return
    table = _functional(filing)
    if table is None:
        return
    grand = _functional_grand(table)
    summary = _summary(filing)
    general = summary is not None and summary.all_general()
    split = _expense_split(filing) if general else None
    fiscal_total, fiscal_lines = _fiscal_general_expense(filing)
    codes = {squash(r.get("code")): i for i, r in enumerate(table.rows) if squash(r.get("code"))}

    if grand is not None:
        prints: list[Print | None] = [_functional_print(table, grand, "total"), fiscal_total]
        if split is not None:
            s_table, s_cols = split
            prints.append(_grid_print(s_table, _grand_row(s_table), s_cols["total"], "合计"))
        if general and summary is not None:
            prints.extend(summary.totals(EXPENSE)[:1])
        yield from _disagreements(prints, "一般公共预算支出合计")
        if split is not None:
            s_table, s_cols = split
            for part in ("basic", "project"):
                p = _functional_print(table, grand, part)
                if p.value is None:
                    continue
                q = _grid_print(s_table, _grand_row(s_table), s_cols[part], part)
                yield from _disagreements(
                    [p, q], f"一般公共预算支出合计的{'基本支出' if part == 'basic' else '项目支出'}"
                )

    # 类 by 类 (by name) against the 财政拨款收支总表 and, where all is 一般公共预算, the 收支总表.
    lines = summary.class_lines() if general and summary is not None else {}
    for code, i in codes.items():
        if len(code) != 3:
            continue
        name = _plain_name(table.rows[i].get("name"))
        others = [fiscal_lines.get(name), lines.get(name)]
        if any(o is not None for o in others):
            yield from _disagreements([_functional_print(table, i, "total"), *others], f"{code} 支出")

    # code by code against the 支出总表, all three parts.
    if split is not None:
        s_table, s_cols = split
        s_codes = {grids.row_key(r): j for j, r in enumerate(s_table.rows) if squash(r.get("code"))}
        # a functional table printing 合计 only (江苏) says nothing of 基本 / 项目
        printed_parts = [
            part
            for part in ("total", "basic", "project")
            if any(amount_at(r, f"{INITIAL}.{part}") is not None for r in table.rows)
        ]
        for code, i in codes.items():
            j = s_codes.get(code)
            if j is None:
                continue
            for part in printed_parts:
                p = _functional_print(table, i, part)
                q = _grid_print(s_table, j, s_cols[part], code)
                if q is None or (p.value is None and q.value is None):
                    continue
                yield from _disagreements(
                    [p, q],
                    f"{code} {'合计' if part == 'total' else '基本支出' if part == 'basic' else '项目支出'}",
                )


@rule(
    "package.basic",
    "cross_table_mismatch",
    Severity.ERROR,
    "一般公共预算基本支出经济分类表合计 = 功能分类表合计的基本支出（人员经费、公用经费另有印出时亦同）",
)
def check_basic(filing: Filing) -> Iterator[Hit]:
    """一般公共预算 基本支出, printed by function and by economic code.

    The 经济分类 table breaks the functional table's 基本支出 down by economic code: its 合计 is
    the functional table's 合计 基本支出; where all income is 一般公共预算, the 支出总表's 基本支出
    too.  Its 人员经费 / 公用经费 columns are the same split as a 支出总表 or a 收支总表 that
    prints 基本支出/人员经费 and 基本支出/公用经费 columns, again only where all income is
    一般公共预算 (else those cover other funds' basic expense as well).  Only the 一般公共预算
    经济分类 table is compared (a 财政拨款 one includes 政府性基金 basic expense).
    """
    if not _budget(filing):
        return
    economic = _economic(filing)
    if economic is None:
        return
    cols = grids.amount_columns(economic)
    grand = _grand_row(economic)
    eco_total = _grid_print(economic, grand, _total_column(economic, cols), "合计")
    if eco_total is None:
        return
    functional = _functional(filing)
    prints: list[Print | None] = []
    if functional is not None:
        g = _functional_grand(functional)
        if g is not None:
            p = _functional_print(functional, g, "basic")
            if p.value is not None:
                prints.append(p)
    summary = _summary(filing)
    split = _expense_split(filing) if summary is not None and summary.all_general() else None
    if split is not None:
        s_table, s_cols = split
        prints.append(_grid_print(s_table, _grand_row(s_table), s_cols["basic"], "基本支出"))
    # the 经济分类 table is the copy: it goes last, so a two-print disagreement is reported on it
    yield from _disagreements([*prints, eco_total], "一般公共预算基本支出")

    if split is None or summary is None:
        return  # other funds' 人员经费 are in the 支出总表 and the 收支总表 too
    for part in ("人员经费", "公用经费"):
        eco = _grid_print(economic, grand, _column(economic, part, cols), part)
        if eco is None:
            continue
        others: list[Print | None] = []
        for table in _role(filing, EXPENSE_SPLIT):
            others.append(_grid_print(table, _grand_row(table), _column(table, part), part))
        if summary.table.kind == GRID:
            expense = summary.sides.get(EXPENSE, [])
            column = _column(summary.table, part)
            others.append(_grid_print(summary.table, _grand_row(summary.table, expense), column, part))
        yield from _disagreements([*others, eco], f"基本支出的{part}")


def _has_money(table: Table) -> bool:
    columns = grids.amount_columns(table)
    return any(grids.value(r, c) for r in table.rows for c in columns)


def _fund_money(filing: Filing, fund: str) -> list[Print]:
    """Where the 收支总表 and the 财政拨款收支总表 print `fund` money (income lines, expense column)."""
    found: list[Print] = []
    summary = _summary(filing)
    if summary is not None:
        p = summary.fund_income(fund)
        if p is not None:
            found.append(p)
    for table in _role(filing, FISCAL_SUMMARY):
        _, funds = _fiscal_income(table)
        if fund in funds:
            found.append(funds[fund])
        expense = grids.sides(table).get(EXPENSE, [])
        cols = [
            c
            for c in grids.amount_columns(table)
            if any(grids.value(table.rows[i], c) is not None for i in expense)
        ]
        col = _column(table, fund, cols)
        if col is not None:
            p = _grid_print(table, _grand_row(table, expense), col, fund)
            if p is not None:
                found.append(p)
    return found


@rule(
    "package.fund_tables",
    "cross_table_mismatch",
    Severity.ERROR,
    "政府性基金、国有资本经营预算支出表为空 ⇔ 收支总表、财政拨款收支总表无该项资金；"
    "不空时其合计 = 财政拨款收支总表该列",
)
def check_fund_tables(filing: Filing) -> Iterator[Hit]:
    """A 政府性基金 (国有资本经营) expense table lists exactly the money of that fund.

    It is empty when, and only when, the 收支总表 and the 财政拨款收支总表 print none of that
    fund (income lines and the expense column); when it is not empty its 合计 is the
    财政拨款收支总表's expense total of the fund.
    """
    if not _budget(filing):
        return
    for role, fund in FUND_OF_ROLE.items():
        elsewhere = _fund_money(filing, fund)  # the same for each table of the role
        for table in _role(filing, role):
            printed = [p for p in elsewhere if p.value]
            if _has_money(table):
                if elsewhere and not printed:
                    names = "、".join(p.where for p in elsewhere)
                    yield Hit(
                        table.index,
                        "",
                        f"{_table_name(table)}列有金额{grids.page_of(table)}，而{names}无{fund}资金",
                        cells=(),
                        printed="有金额",
                        expected="空表",
                        detail=f"{fund} table has amounts; {names} print none",
                    )
                    continue
                expense_prints = [
                    p
                    for p in elsewhere
                    if p.table.role == FISCAL_SUMMARY and p.side == EXPENSE and p.cell.startswith("values.")
                ]
                if expense_prints:
                    mine = _grid_print(table, _grand_row(table), _total_column(table), "合计")
                    yield from _disagreements([expense_prints[0], mine], f"{fund}预算支出合计")
            elif printed:
                p = printed[0]
                yield Hit(
                    table.index,
                    "",
                    f"{_table_name(table)}为空表{grids.page_of(table)}，"
                    f"而{p.where}印有 {p.table.fmt_unit(p.value)}{p.page}",
                    cells=(),
                    printed="空表",
                    expected=p.value,
                    detail=f"{fund} table empty; {p.where} prints {p.table.fmt(p.value)}",
                )


# ------------------------------------------------------------------ completeness

# The 财政部 template of a 部门预算公开: the tables every package holds (kind or grid role).
REQUIRED: tuple[tuple[str, str], ...] = (
    (SUMMARY, "部门收支总表"),
    (INCOME_SOURCES, "部门收入总表"),
    (EXPENSE_SPLIT, "部门支出总表"),
    (FISCAL_SUMMARY, "财政拨款收支总表"),
    (FUNCTIONAL, "一般公共预算支出表（功能分类）"),
    (ECONOMIC_BASIC, "一般公共预算基本支出表（经济分类）"),
    (THREE_PUBLIC, "一般公共预算“三公”经费支出表"),
    (GOVERNMENT_FUND, "政府性基金预算支出表"),
)


PACKAGE_ROLES = frozenset(
    {
        INCOME_SOURCES,
        EXPENSE_SPLIT,
        FISCAL_SUMMARY,
        ECONOMIC_BASIC,
        THREE_PUBLIC,
        GOVERNMENT_FUND,
        STATE_CAPITAL,
    }
)


def is_package(filing: Filing) -> bool:
    """A 部门预算公开: a budget that prints a 收入总表 or a 支出总表 and at least three of the
    template's other grids (a Guizhou 批复 prints none of them, a 决算 only `final_accounts`)."""
    roles = {t.role for t in filing.of_kind(GRID)}
    return (
        _budget(filing) and bool(roles & {INCOME_SOURCES, EXPENSE_SPLIT}) and len(roles & PACKAGE_ROLES) >= 3
    )


@rule("package.missing_table", "missing_table", Severity.WARNING, "部门预算公开缺少财政部模板规定的表格")
def check_missing_tables(filing: Filing) -> Iterator[Hit]:
    if not is_package(filing):
        return
    present = {t.kind for t in filing.tables} | {t.role for t in filing.of_kind(GRID)}
    if SUMMARY_GRID in present:
        present.add(SUMMARY)
    for name, label in REQUIRED:
        if name not in present:
            yield Hit(
                -1,
                name,
                f"部门预算公开应有{label}，本文件中没有读到",
                printed=None,
                expected=label,
                detail=f"no {name} table in the package",
            )


_EMPTY_WORDS = re.compile(r"无|没有|空表|未安排|不涉及")


def _own_fund(table: Table) -> str | None:
    if table.role in FUND_OF_ROLE:
        return FUND_OF_ROLE[table.role]
    title = nfkc(table.data.get("title"))
    named = [f for f in (GOV_FUND, STATE_FUND) if f in title]
    return named[0] if len(named) == 1 else None


@rule(
    "package.empty_note",
    "note_mismatch",
    Severity.WARNING,
    "空表的说明应说本表的资金（不应说成另一张表的资金）",
)
def check_empty_notes(filing: Filing) -> Iterator[Hit]:
    """An empty 政府性基金 / 国有资本经营 table says so in its own words: its note names its own
    fund.  A note that says only that another fund is absent (a 国有资本经营 table with
    `本部门无政府性基金预算`) was copied from the other table."""
    for table in filing.of_kind(GRID):
        own = _own_fund(table)
        note = nfkc(table.data.get("note"))
        if own is None or not note or _has_money(table):
            continue
        sentences = [s for s in re.split(r"[。；;]", note) if _EMPTY_WORDS.search(s)]
        if any(own in s for s in sentences):
            continue
        other = [f for f in (GOV_FUND, STATE_FUND) if f != own and any(f in s for s in sentences)]
        if not other:
            continue
        yield Hit(
            table.index,
            "",
            f"{_table_name(table)}为空表，其说明却写“{squash(table.data.get('note'))[:60]}”，说的是{other[0]}"
            f"{grids.page_of(table)}",
            printed=squash(table.data.get("note"))[:200],
            expected=f"无{own}",
            detail=f"empty {own} table's note names {other[0]}",
        )
