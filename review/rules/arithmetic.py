"""Arithmetic inside one table: 增减数, splits, totals and the income/expense balance.

Every comparison allows one printed step per figure added (SCHEMA.md: 0.01 万元
= 100 元 in a 万元 table; 1 元 in a table printed in whole yuan, 0.01 元 in one
printed with two decimals), because each printed figure was rounded on its own.
Blank cells count as zero.  Which rows a total covers is read from the table's
own structure (codes, sections, 一、/（一） numbering, 小计/合计/总计, see
`structure`), never from particular labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from budget_filing.kinds import (
    ADJUSTED,
    BASIC,
    CHANGE,
    COLUMN_SET_LABELS,
    COLUMN_SETS,
    EXPENSE,
    FUNCTIONAL,
    INCOME,
    INITIAL,
    PROJECT_LIST_KINDS,
    PROJECT_PART,
    SPLIT_LABELS,
    SPLITS,
    SUMMARY,
    TARGET_SIDES,
    TOTAL,
)
from budget_filing.text import nfkc, squash

from . import amounts, structure
from .amounts import or_zero
from .model import FUND_PARTS, Filing, Hit, Severity, Table, amount_at
from .names import match_key
from .registry import rule

_GRAND_TOTAL = re.compile(r"合计|总计")


def _has_adjustment_columns(rows: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> bool:
    """An original filing has no 调整/增减 columns at all: nothing to check."""
    return any(
        _cell(row, f"{col}.{f}" if f else col) is not None
        for row in rows
        for col in (ADJUSTED, CHANGE)
        for f in fields
    )


def _cell(row: Mapping[str, Any], path: str) -> Decimal | None:
    return amount_at(row, path)


def _page(row: Mapping[str, Any]) -> str:
    """Where the row was printed, for the message ("" when the document does not say)."""
    page = row.get("page")
    return f"（第 {page} 页）" if isinstance(page, int) and not isinstance(page, bool) else ""


def _path(col: str, field: str) -> str:
    return f"{col}.{field}" if field else col


def _functional_key(row: Mapping[str, Any]) -> str:
    return squash(row.get("code")) or squash(row.get("name"))


def _row_key(table: Table, row: Mapping[str, Any]) -> str:
    if table.kind == FUNCTIONAL:
        return _functional_key(row)
    if table.kind == SUMMARY:
        return squash(row.get("label"))
    return squash(row.get("name")) or squash(row.get("label"))


# ------------------------------------------------------------------ 增减数


def _change_tables(filing: Filing) -> Iterator[tuple[Table, tuple[str, ...]]]:
    for table in filing.tables:
        if table.kind == FUNCTIONAL:
            yield table, SPLITS
        elif table.kind in (SUMMARY, *PROJECT_LIST_KINDS):
            yield table, ("",)


@rule("arith.change", "change_mismatch", Severity.ERROR, "增减数 = 调整预算数 − 年初预算数")
def check_change(filing: Filing) -> Iterator[Hit]:
    for table, fields in _change_tables(filing):
        rows = table.rows
        if not _has_adjustment_columns(rows, fields):
            continue
        for i, row in enumerate(rows):
            for field in fields:
                initial = _cell(row, _path(INITIAL, field))
                adjusted = _cell(row, _path(ADJUSTED, field))
                change = _cell(row, _path(CHANGE, field))
                if initial is None and adjusted is None and change is None:
                    continue
                expected = or_zero(adjusted) - or_zero(initial)
                parts = amounts.parts_of((adjusted, initial))
                if amounts.within_step(or_zero(change), expected, table.printed_step, parts):
                    continue
                where = f"{SPLIT_LABELS[field]}列" if field else ""
                yield Hit(
                    table.index,
                    _row_key(table, row),
                    f"{where}增减数印为 {table.fmt_unit(change)}，应为 "
                    f"{table.fmt(adjusted)} − {table.fmt(initial)} = "
                    f"{table.fmt_unit(expected)}{_page(row)}",
                    row_index=i,
                    cells=tuple(_path(c, field) for c in COLUMN_SETS),
                    printed=change,
                    expected=expected,
                    detail=f"{_path(CHANGE, field)}: {table.fmt(change)} printed, "
                    f"{table.fmt(adjusted)} − {table.fmt(initial)} = "
                    f"{table.fmt(expected)}",
                )


# ------------------------------------------------------------------ splits


@rule("arith.split", "split_mismatch", Severity.ERROR, "合计 = 基本支出 + 项目支出（功能分类表每行每列）")
def check_split(filing: Filing) -> Iterator[Hit]:
    for table in filing.of_kind(FUNCTIONAL):
        for i, row in enumerate(table.rows):
            for col in COLUMN_SETS:
                whole = _cell(row, f"{col}.{TOTAL}")
                basic = _cell(row, f"{col}.{BASIC}")
                project = _cell(row, f"{col}.{PROJECT_PART}")
                if basic is None and project is None:
                    continue
                expected = or_zero(basic) + or_zero(project)
                parts = amounts.parts_of((basic, project))
                if amounts.within_step(or_zero(whole), expected, table.printed_step, parts):
                    continue
                yield Hit(
                    table.index,
                    _functional_key(row),
                    f"{COLUMN_SET_LABELS[col]}合计印为 {table.fmt_unit(whole)}，应为 "
                    f"基本支出 {table.fmt(basic)} + 项目支出 {table.fmt(project)} = "
                    f"{table.fmt_unit(expected)}{_page(row)}",
                    row_index=i,
                    cells=tuple(f"{col}.{part}" for part in SPLITS),
                    printed=whole,
                    expected=expected,
                    detail=f"{col}: total {table.fmt(whole)} ≠ basic {table.fmt(basic)}"
                    f" + project {table.fmt(project)}",
                )


@rule("arith.funds_split", "split_mismatch", Severity.ERROR, "资金总额 = 财政拨款 + 非财政拨款（绩效目标表）")
def check_funds_split(filing: Filing) -> Iterator[Hit]:
    for table in filing.tables:
        parts = FUND_PARTS.get(table.kind)
        if parts is None:
            continue
        for side in TARGET_SIDES:
            funds = table.data.get("funds")
            whole = amount_at(funds, f"{side}.{TOTAL}")
            values = [amount_at(funds, f"{side}.{name}") for name, _ in parts]
            if all(v is None for v in values):
                continue
            expected = amounts.total(values)
            if amounts.within_step(or_zero(whole), expected, table.printed_step, amounts.parts_of(values)):
                continue
            terms = " + ".join(f"{label} {table.fmt(v)}" for (_, label), v in zip(parts, values, strict=True))
            yield Hit(
                table.index,
                table.target_key,
                f"{COLUMN_SET_LABELS[side]}资金总额印为 {table.fmt_unit(whole)}，应为 "
                f"{terms} = {table.fmt_unit(expected)}",
                cells=(f"funds.{side}.{TOTAL}", *(f"funds.{side}.{name}" for name, _ in parts)),
                printed=whole,
                expected=expected,
                detail=f"{side}: 资金总额 {table.fmt(whole)} ≠ {terms}",
            )


# ------------------------------------------------------------------ sums


def _sum_hits(
    table: Table,
    key: str,
    row_index: int | None,
    row: Mapping[str, Any],
    parts: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    what: str,
    others: Sequence[Sequence[Mapping[str, Any]]] = (),
) -> Iterator[Hit]:
    """Compare `row` with the sum of `parts` on every column set and field.

    `others` are further readings of which rows the total covers (`structure.Check`):
    the total is right when any of them adds up; the message names `parts`.
    """
    for col in COLUMN_SETS:
        for field in fields:
            path = _path(col, field)
            printed = _cell(row, path)
            values = [_cell(p, path) for p in parts]
            if printed is None and all(v is None for v in values):
                continue
            expected = amounts.total(values)
            step = table.printed_step
            if amounts.within_step(or_zero(printed), expected, step, amounts.parts_of(values)):
                continue
            if any(
                amounts.within_step(or_zero(printed), amounts.total(vs), step, amounts.parts_of(vs))
                for vs in ([_cell(p, path) for p in reading] for reading in others)
            ):
                continue
            name = COLUMN_SET_LABELS[col] + (SPLIT_LABELS[field] if field else "")
            yield Hit(
                table.index,
                key,
                f"{key} 的{name}印为 {table.fmt_unit(printed)}，"
                f"其下 {len(parts)} 行（{what}）合计为 {table.fmt_unit(expected)}{_page(row)}",
                row_index=row_index,
                cells=(path,),
                printed=printed,
                expected=expected,
                detail=f"{path}: {table.fmt(printed)} printed, {len(parts)} rows "
                f"below sum to {table.fmt(expected)}",
            )


def _code(row: Mapping[str, Any]) -> str:
    return structure.digits_code(row.get("code"))


@rule(
    "arith.functional_sum",
    "sum_mismatch",
    Severity.ERROR,
    "功能分类表：合计 = 各类之和，类 = 其下各款之和，款 = 其下各项之和",
)
def check_functional_sum(filing: Filing) -> Iterator[Hit]:
    for table in filing.of_kind(FUNCTIONAL):
        rows = table.rows
        coded = [(i, _code(r)) for i, r in enumerate(rows) if _code(r)]
        codes = {c for _, c in coded}
        children: dict[str, list[int]] = {}
        top: list[int] = []
        for i, code in coded:
            # Nearest printed ancestor by code prefix: a 项 whose 款 is missing
            # still belongs to its 类.
            parent = next((code[:n] for n in range(len(code) - 1, 0, -1) if code[:n] in codes), None)
            if parent is None:
                top.append(i)
            else:
                children.setdefault(parent, []).append(i)
        seen: set[str] = set()
        for i, code in coded:
            # A code printed twice is a duplicate_entry; its children are
            # compared with the first of its rows only.
            if code in seen or code not in children:
                continue
            seen.add(code)
            yield from _sum_hits(
                table, code, i, rows[i], [rows[j] for j in children[code]], SPLITS, "按科目编码"
            )
        for i, row in enumerate(rows):
            if not _code(row) and _GRAND_TOTAL.search(nfkc(row.get("name"))) and top:
                yield from _sum_hits(
                    table, _functional_key(row), i, row, [rows[j] for j in top], SPLITS, "各类"
                )


def _is_grand_total(row: Mapping[str, Any]) -> bool:
    label = nfkc(row.get("name")) or nfkc(row.get("label"))
    return bool(_GRAND_TOTAL.search(label)) and not nfkc(row.get("section"))


@rule(
    "arith.section_sum",
    "sum_mismatch",
    Severity.ERROR,
    "项目支出表、转移支付表：合计 = 各部分之和，各部分 = 其下项目之和",
)
def check_section_sum(filing: Filing) -> Iterator[Hit]:
    for table in filing.tables:
        if table.kind not in PROJECT_LIST_KINDS:
            continue
        rows = table.rows
        # The 合计 row is known by its word, whether or not a parser flagged it.
        totals = [i for i, r in enumerate(rows) if _is_grand_total(r)]
        sections = [
            i
            for i, r in enumerate(rows)
            if r.get("subtotal") and not _is_grand_total(r) and not nfkc(r.get("section"))
        ]
        by_name = {match_key(rows[i].get("name") or rows[i].get("label")): i for i in sections}
        items: dict[int, list[int]] = {i: [] for i in sections}
        current: int | None = None
        for i, row in enumerate(rows):
            if i in items:
                current = i
                continue
            if row.get("subtotal") or i in totals:
                continue
            named = by_name.get(match_key(row.get("section"))) if row.get("section") else None
            owner = named if named is not None else current
            if owner is not None:
                items[owner].append(i)
        for s in sections:
            if items[s]:
                yield from _sum_hits(
                    table, _row_key(table, rows[s]), s, rows[s], [rows[j] for j in items[s]], ("",), "各项目"
                )
        parts = sections or [i for i, r in enumerate(rows) if not r.get("subtotal") and i not in totals]
        for t in totals:
            yield from _sum_hits(
                table,
                _row_key(table, rows[t]),
                t,
                rows[t],
                [rows[j] for j in parts],
                ("",),
                "各部分" if sections else "各项目",
            )


def _summary_sides(table: Table) -> dict[str, list[int]]:
    sides: dict[str, list[int]] = {}
    for i, row in enumerate(table.rows):
        sides.setdefault(nfkc(row.get("side")), []).append(i)
    return sides


def _label(row: Mapping[str, Any]) -> object:
    return row.get("label")


@rule(
    "arith.summary_sum",
    "sum_mismatch",
    Severity.ERROR,
    "收支总表：小计/合计 = 所列各行之和（编号、小计与结转等行），总计 = 合计 + 结转等行",
)
def check_summary_sum(filing: Filing) -> Iterator[Hit]:
    for table in filing.of_kind(SUMMARY):
        rows = table.rows
        for indices in _summary_sides(table).values():
            for check in structure.block_checks(rows, indices, _label):
                first, *others = check.readings
                if check.heading and all(_cell(rows[check.total], col) is None for col in COLUMN_SETS):
                    continue  # a line printed blank over its parts, as a heading
                yield from _sum_hits(
                    table,
                    _row_key(table, rows[check.total]),
                    check.total,
                    rows[check.total],
                    [rows[j] for j in first],
                    ("",),
                    "所列收支行",
                    [[rows[j] for j in reading] for reading in others],
                )


# The word of a grand total: both sides must close with the same one to be compared.
TOTAL_WORDS = {1: "小计", 2: "合计", 3: "合计", 4: "总计", 5: "总计"}


def side_grands(table: Table) -> dict[str, int]:
    """Each side's closing total (its highest 合计/总计 line), by side."""
    grands: dict[str, tuple[int, int]] = {}
    for side, indices in _summary_sides(table).items():
        found = structure.grand_total(table.rows, indices, _label)
        if found is not None:
            grands[side] = found
    if INCOME not in grands or EXPENSE not in grands:
        return {}
    if TOTAL_WORDS[grands[INCOME][1]] != TOTAL_WORDS[grands[EXPENSE][1]] or grands[INCOME][1] < 2:
        return {}
    return {side: row for side, (row, _) in grands.items()}


@rule("arith.balance", "balance_mismatch", Severity.ERROR, "收入总计 = 支出总计")
def check_balance(filing: Filing) -> Iterator[Hit]:
    for table in filing.of_kind(SUMMARY):
        rows = table.rows
        grands = side_grands(table)
        if not grands:
            continue
        inc, exp = rows[grands[INCOME]], rows[grands[EXPENSE]]
        for col in COLUMN_SETS:
            a, b = _cell(inc, col), _cell(exp, col)
            if a is None and b is None:
                continue
            if amounts.within_step(or_zero(a), or_zero(b), table.printed_step):
                continue
            yield Hit(
                table.index,
                squash(inc.get("label")),
                f"{COLUMN_SET_LABELS[col]}：{squash(inc.get('label'))} {table.fmt_unit(a)}"
                f" ≠ {squash(exp.get('label'))} {table.fmt_unit(b)}{_page(inc)}",
                row_index=grands[INCOME],
                cells=(col,),
                printed=a,
                expected=b,
                detail=f"{col}: income {table.fmt(a)} vs expense {table.fmt(b)}",
            )
