"""Arithmetic inside any grid: codes, 合计/小计 rows and columns, sides (issue 12).

A grid is every table of a filing that is not one of the six typed kinds (收入总表, 支出总表,
财政拨款收支总表, 经济分类, “三公”, 政府性基金, 决算 tables …).  Its rows add up the way
`structure` reads them (codes, groups, numbering, total words); its columns add up by their
header paths: a column headed 合计 / 小计 is the sum of its siblings under the same path, a
nested group counting by its own 小计 column (`“三公”经费预算数/合计` = 因公出国(境)费 +
公务接待费 + `公务用车购置及运行费/小计`, which is 购置费 + 运行费), and a path that goes on
below the total word is compared with its siblings' same ending
(`财政拨款“三公”经费/合计/预算数` = Σ siblings' `/预算数`).  A two-sided grid closes each
side with a total, and the two totals are equal.

Findings name the table `grid:<role>` and the row by its code, else its label (SCHEMA.md),
and name their cells `values.<column path>` so the workspace highlights them.  A total may
differ from its parts by one printed step per part (`amounts.tolerance`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from budget_filing.kinds import EXPENSE, GRID, INCOME, SIDE_LABELS
from budget_filing.text import nfkc, squash

from . import amounts, structure
from .amounts import or_zero
from .model import AMOUNT_TEXT, Filing, Hit, Severity, Table
from .registry import rule

_TOTAL_WORDS = ("合计", "小计", "总计")
# Columns a “三公” table prints beside the “三公” 经费 (SCHEMA.md): inside its 合计 in some
# layouts (江苏: 合计 = “三公” + 会议费 + 培训费), outside it in others.
_BESIDE = re.compile(r"机关运行经费|会议费|培训费")


def grids(filing: Filing) -> Iterator[Table]:
    return filing.of_kind(GRID)


def columns(table: Table) -> list[str]:
    cols = table.data.get("columns")
    return [str(c) for c in cols] if isinstance(cols, list) else []


def amount_columns(table: Table) -> list[str]:
    """The value columns that hold amounts: every printed value is an amount, a column left
    blank included (its blanks are zeros); text columns such as 采购方式 or a 经济科目 code
    column are not summed."""
    rows = table.rows
    found = []
    for col in columns(table):
        values = [_values(r).get(col) for r in rows]
        printed = [v for v in values if v is not None and v != ""]
        if all(isinstance(v, str) and AMOUNT_TEXT.match(v) for v in printed):
            found.append(col)
    return found


def _values(row: Mapping[str, Any]) -> Mapping[str, Any]:
    values = row.get("values")
    return values if isinstance(values, Mapping) else {}


def value(row: Mapping[str, Any], col: str) -> Decimal | None:
    return amounts.to_decimal(_values(row).get(col))


def row_key(row: Mapping[str, Any]) -> str:
    """A grid row's anomaly key: its code, else its label, else "" (SCHEMA.md)."""
    return squash(row.get("code")) or squash(row.get("label"))


def row_name(table: Table, row: Mapping[str, Any]) -> str:
    code, label = squash(row.get("code")), squash(row.get("label"))
    return " ".join(p for p in (code, label) if p) or "该行"


def page_of(table: Table, row: Mapping[str, Any] | None = None) -> str:
    page = row.get("page") if row is not None else None
    if not isinstance(page, int):
        pages = table.data.get("pages")
        page = pages[0] if isinstance(pages, list) and pages and isinstance(pages[0], int) else None
    return f"（第 {page} 页）" if page else ""


def cell(col: str) -> str:
    return f"values.{col}"


def sides(table: Table) -> dict[str, list[int]]:
    """Row indices per printed side ("" for a one-sided grid), in printed order."""
    found: dict[str, list[int]] = {}
    for i, row in enumerate(table.rows):
        found.setdefault(nfkc(row.get("side")), []).append(i)
    return found


def _label(row: Mapping[str, Any]) -> object:
    return row.get("label")


def _code(row: Mapping[str, Any]) -> object:
    return row.get("code")


def _sum_ok(printed: Decimal | None, values: Sequence[Decimal | None], step: Decimal) -> bool:
    return amounts.within_step(or_zero(printed), amounts.total(values), step, amounts.parts_of(values))


# ------------------------------------------------------------------ rows


@rule(
    "grid.row_sum",
    "sum_mismatch",
    Severity.ERROR,
    "其他表格：类 = 其下各款，款 = 其下各项（功能、经济科目），小计/合计/总计行 = 所列各行之和",
)
def check_row_sums(filing: Filing) -> Iterator[Hit]:
    for table in grids(filing):
        rows = table.rows
        cols = amount_columns(table)
        if not cols:
            continue
        for side, indices in sides(table).items():
            for check in structure.block_checks(rows, indices, _label, _code):
                total = rows[check.total]
                first = check.readings[0]
                for col in cols:
                    printed = value(total, col)
                    readings = [[value(rows[j], col) for j in reading] for reading in check.readings]
                    if printed is None and (check.heading or all(v is None for v in readings[0])):
                        continue
                    if any(_sum_ok(printed, vs, table.printed_step) for vs in readings):
                        continue
                    expected = amounts.total(readings[0])
                    where = f"{SIDE_LABELS[side]}方" if side in SIDE_LABELS else ""
                    yield Hit(
                        table.index,
                        row_key(total),
                        f"{where}“{row_name(table, total)}”行的“{col}”印为 {table.fmt_unit(printed)}，"
                        f"其下 {len(first)} 行（{check.what}）合计为 {table.fmt_unit(expected)}"
                        f"{page_of(table, total)}",
                        row_index=check.total,
                        cells=(cell(col),),
                        printed=printed,
                        expected=expected,
                        detail=f"{col}: {table.fmt(printed)} printed, {len(first)} rows "
                        f"({', '.join(row_key(rows[j]) for j in first)}) sum to {table.fmt(expected)}",
                    )


# ------------------------------------------------------------------ columns


def _segments(path: str) -> tuple[str, ...]:
    return tuple(nfkc(p).replace(" ", "") for p in path.split("/"))


def _is_total(segment: str) -> bool:
    return any(w in segment for w in _TOTAL_WORDS) and not segment.startswith("其中")


def column_sums(cols: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(total column, the sibling columns it is the sum of) for every 合计/小计 column.

    Siblings share the path above the total word and the path below it; a sibling group with
    its own total column counts by that column only.  A total whose structure leaves a doubt
    (a group with no total column of its own but totals further down) is left out.
    """
    paths = {c: _segments(c) for c in cols}
    found: list[tuple[str, list[str]]] = []
    for col, segs in paths.items():
        marks = [k for k, s in enumerate(segs) if _is_total(s)]
        if not marks:
            continue
        k = marks[-1]
        prefix, suffix = segs[:k], segs[k + 1 :]
        direct: list[str] = []
        grouped: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for other, o in paths.items():
            if other == col or len(o) <= k + len(suffix) or o[:k] != prefix:
                continue
            if suffix and o[len(o) - len(suffix) :] != suffix:
                continue
            middle = o[k : len(o) - len(suffix)]
            if any(m.startswith("其中") for m in middle):
                continue
            if len(middle) == 1:
                if not _is_total(middle[0]):
                    direct.append(other)
            else:
                grouped.setdefault(middle[0], []).append((other, middle[1:]))
        parts = list(direct)
        doubtful = False
        for members in grouped.values():
            totals = [c for c, rest in members if len(rest) == 1 and _is_total(rest[0])]
            if totals:
                parts.append(totals[0])
            elif any(_is_total(r) for _, rest in members for r in rest):
                doubtful = True
            else:
                parts.extend(c for c, _ in members)
        if parts and not doubtful:
            found.append((col, [c for c in cols if c in parts]))
    return found


def _part_name(total: str, part: str) -> str:
    t, p = _segments(total), _segments(part)
    n = 0
    while n < min(len(t), len(p)) and t[n] == p[n]:
        n += 1
    rest = [s for s in p[n:] if s not in t[n + 1 :]] if len(t) > n + 1 else list(p[n:])
    return "/".join(rest) or part


@rule(
    "grid.column_sum",
    "sum_mismatch",
    Severity.ERROR,
    "其他表格：合计/小计列 = 同一表头下各列之和（嵌套的组按其小计列计）",
)
def check_column_sums(filing: Filing) -> Iterator[Hit]:
    for table in grids(filing):
        sums = column_sums(amount_columns(table))
        if not sums:
            continue
        for i, row in enumerate(table.rows):
            for col, parts in sums:
                printed = value(row, col)
                values = [value(row, p) for p in parts]
                if printed is None and all(v is None for v in values):
                    continue
                if _sum_ok(printed, values, table.printed_step):
                    continue
                beside = [v for p, v in zip(parts, values, strict=True) if not _BESIDE.search(p)]
                if (
                    len(beside) < len(values)
                    and not _BESIDE.search(col)
                    and _sum_ok(printed, beside, table.printed_step)
                ):
                    # 会议费 / 培训费 / 机关运行经费 printed beside the “三公” 经费, not in their 合计
                    continue
                expected = amounts.total(values)
                # blank parts are zeros: naming them would only hide the figures that count
                terms = (
                    " + ".join(
                        f"{_part_name(col, p)} {table.fmt(v)}"
                        for p, v in zip(parts, values, strict=True)
                        if v is not None
                    )
                    or "各列均为空白"
                )
                yield Hit(
                    table.index,
                    row_key(row),
                    f"{row_name(table, row)}：“{col}”印为 {table.fmt_unit(printed)}，应为 {terms} = "
                    f"{table.fmt_unit(expected)}{page_of(table, row)}",
                    row_index=i,
                    cells=(cell(col), *(cell(p) for p in parts)),
                    printed=printed,
                    expected=expected,
                    detail=f"{col}: {table.fmt(printed)} printed, "
                    f"{' + '.join(parts)} = {table.fmt(expected)}",
                )


# ------------------------------------------------------------------ two sides


def side_total_column(table: Table, row: Mapping[str, Any], cols: Sequence[str]) -> str | None:
    """The column that holds a side's total on its total row: the only one with a figure,
    else the shallowest 合计 column among them, else the first."""
    filled = [c for c in cols if _values(row).get(c) is not None]
    if len(filled) <= 1:
        return filled[0] if filled else None
    totals = sorted(
        (c for c in filled if any(_is_total(s) for s in _segments(c))), key=lambda c: len(_segments(c))
    )
    return totals[0] if totals else filled[0]


def side_grands(table: Table) -> dict[str, int]:
    """Each side's closing total row of a two-sided grid, when both close with the same word."""
    by_side = sides(table)
    if set(by_side) != {INCOME, EXPENSE}:
        return {}
    grands = {}
    for side in (INCOME, EXPENSE):
        found = structure.grand_total(table.rows, by_side[side], _label)
        if found is None or found[1] < 2:
            return {}
        grands[side] = found
    words = {structure.total_rank(_label(table.rows[r])) > 3 for r, _ in grands.values()}
    if len(words) != 1:
        return {}
    return {side: r for side, (r, _) in grands.items()}


def _unheaded_sum(row: Mapping[str, Any], cols: Sequence[str]) -> list[Decimal]:
    """A side printed in several columns and none headed 合计: its total may be their sum."""
    filled = [c for c in cols if _values(row).get(c) is not None]
    if len(filled) < 2 or any(_is_total(s) for c in filled for s in _segments(c)):
        return []
    return [amounts.total(value(row, c) for c in filled)]


def _by_sum(
    table: Table,
    inc: Mapping[str, Any],
    inc_cols: Sequence[str],
    exp: Mapping[str, Any],
    exp_cols: Sequence[str],
) -> bool:
    """Whether the two sides agree once a side without a 合计 column is read as the sum of its columns."""
    a, b = side_total_column(table, inc, inc_cols), side_total_column(table, exp, exp_cols)
    xs = ([or_zero(value(inc, a))] if a else []) + _unheaded_sum(inc, inc_cols)
    ys = ([or_zero(value(exp, b))] if b else []) + _unheaded_sum(exp, exp_cols)
    step = table.printed_step
    return any(amounts.within_step(x, y, step, 2) for x in xs for y in ys)


@rule(
    "grid.balance",
    "balance_mismatch",
    Severity.ERROR,
    "两栏式表格（财政拨款收支总表等）：收入总计 = 支出总计",
)
def check_balance(filing: Filing) -> Iterator[Hit]:
    for table in grids(filing):
        grands = side_grands(table)
        if not grands:
            continue
        cols = amount_columns(table)
        inc, exp = table.rows[grands[INCOME]], table.rows[grands[EXPENSE]]
        pairs: list[tuple[str, str]] = []
        inc_cols = [
            c for c in cols if any(_values(table.rows[i]).get(c) is not None for i in sides(table)[INCOME])
        ]
        exp_cols = [
            c for c in cols if any(_values(table.rows[i]).get(c) is not None for i in sides(table)[EXPENSE])
        ]
        ends = lambda cs: [_segments(c)[-1] for c in cs]  # noqa: E731
        if (
            len(inc_cols) > 1
            and ends(inc_cols) == ends(exp_cols)
            and len(set(ends(inc_cols))) == len(inc_cols)
        ):
            pairs = list(zip(inc_cols, exp_cols, strict=True))
        else:
            a, b = side_total_column(table, inc, inc_cols), side_total_column(table, exp, exp_cols)
            if a and b:
                pairs = [(a, b)]
        for a, b in pairs:
            x, y = value(inc, a), value(exp, b)
            if x is None and y is None:
                continue
            if amounts.within_step(or_zero(x), or_zero(y), table.printed_step):
                continue
            if len(pairs) == 1 and _by_sum(table, inc, inc_cols, exp, exp_cols):
                continue
            yield Hit(
                table.index,
                row_key(inc),
                f"{squash(inc.get('label'))}（{a}）{table.fmt_unit(x)} ≠ "
                f"{squash(exp.get('label'))}（{b}）{table.fmt_unit(y)}{page_of(table, inc)}",
                row_index=grands[INCOME],
                cells=(cell(a),),
                printed=x,
                expected=y,
                detail=f"income {a} {table.fmt(x)} vs expense {b} {table.fmt(y)}",
            )
