"""Agreement between tables: one project's amount wherever it is printed.

A project appears in the 项目支出表, in its own 项目支出绩效目标表 (资金总额)
and, when its money goes down to counties, in the 转移支付表.  The tables may be
printed in different units; SCHEMA.md says the finer figure is rounded to the
coarser table's step and then the two must be equal.  A blank amount is zero
(a project new in the adjustment has a blank 年初 in one table and 0.00 in
another).  Projects are matched by normalised name, and a name printed more
than once is paired in printed order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from difflib import get_close_matches
from typing import Any

from budget_filing.kinds import (
    BASIC,
    COLUMN_SET_LABELS,
    DEPARTMENT_PERFORMANCE,
    FUNCTIONAL,
    INCOME,
    KIND_LABELS,
    PROJECT,
    PROJECT_LIST_KINDS,
    PROJECT_PART,
    PROJECT_PERFORMANCE,
    SPLIT_LABELS,
    SUMMARY,
    TARGET_SIDES,
    TOTAL,
    TRANSFER,
)
from budget_filing.text import nfkc, squash

from . import amounts
from .amounts import or_zero
from .model import DEPARTMENT_KEY, Filing, Hit, Severity, Table, amount_at, dig
from .names import match_key
from .registry import rule

# Where a project's amount is printed, as the messages name it.
TABLE_NAMES = {
    **{kind: KIND_LABELS[kind] for kind in PROJECT_LIST_KINDS},
    PROJECT_PERFORMANCE: "绩效目标表资金总额",
}


@dataclass(frozen=True)
class Place:
    """One print of a project's amounts: a list row or a target table's funds."""

    table: Table
    row_index: int | None
    name: str

    def amount(self, side: str) -> Decimal | None:
        if self.row_index is None:
            return amount_at(self.table.data.get("funds"), f"{side}.{TOTAL}")
        return amount_at(self.table.rows[self.row_index], side)

    def has_side(self, side: str) -> bool:
        """Whether this print has the column set at all (an original filing has
        no 调整预算数 in its target tables)."""
        if self.row_index is None:
            return isinstance(dig(self.table.data.get("funds"), side), Mapping)
        return True

    def cell(self, side: str) -> str:
        return f"funds.{side}.{TOTAL}" if self.row_index is None else side


def _listed(filing: Filing, kind: str) -> dict[str, list[Place]]:
    """Project rows of every `kind` table, grouped by match key, in printed order."""
    found: dict[str, list[Place]] = {}
    for table in filing.of_kind(kind):
        for i, row in enumerate(table.rows):
            if row.get("subtotal"):
                continue
            name = squash(row.get("name")) or squash(row.get("label"))
            if name:
                found.setdefault(match_key(name), []).append(Place(table, i, name))
    return found


def _target_tables(filing: Filing) -> dict[str, list[Place]]:
    found: dict[str, list[Place]] = {}
    for table in filing.of_kind(PROJECT_PERFORMANCE):
        name = squash(table.data.get("project"))
        if name:
            found.setdefault(match_key(name), []).append(Place(table, None, name))
    return found


def _disagreements(a: Place, b: Place) -> Iterator[tuple[str, Decimal, Decimal]]:
    coarse = max(a.table.step, b.table.step)
    for side in TARGET_SIDES:
        if not (a.has_side(side) and b.has_side(side)):
            continue
        x, y = or_zero(a.amount(side)), or_zero(b.amount(side))
        if not amounts.same_after_rounding(x, y, coarse):
            yield side, x, y


def _hits(a: Place, b: Place, report_on: Place, key: str) -> Iterator[Hit]:
    for side, x, y in _disagreements(a, b):
        name_a, name_b = TABLE_NAMES[a.table.kind], TABLE_NAMES[b.table.kind]
        yield Hit(
            report_on.table.index,
            key,
            f"{COLUMN_SET_LABELS[side]}：{name_a}印为 {a.table.fmt_unit(x)}，"
            f"{name_b}为 {b.table.fmt_unit(y)}",
            row_index=report_on.row_index,
            cells=(report_on.cell(side),),
            printed=y if report_on is b else x,
            expected=x if report_on is b else y,
            detail=f"{side}: {a.table.fmt_unit(x)} in {a.table.kind} "
            f"(table {a.table.index}), {b.table.fmt_unit(y)} in "
            f"{b.table.kind} (table {b.table.index})",
        )


def _pairs(left: dict[str, list[Place]], right: dict[str, list[Place]]) -> Iterator[tuple[Place, Place]]:
    for key, places in left.items():
        yield from zip(places, right.get(key, []), strict=False)


@rule(
    "cross.project_targets",
    "cross_table_mismatch",
    Severity.ERROR,
    "项目支出表的项目金额 = 该项目绩效目标表的资金总额",
)
def check_project_targets(filing: Filing) -> Iterator[Hit]:
    # SCHEMA.md files this disagreement under the target table, keyed by project.
    for row, target in _pairs(_listed(filing, PROJECT), _target_tables(filing)):
        yield from _hits(row, target, target, target.name)


@rule(
    "cross.transfer_project",
    "cross_table_mismatch",
    Severity.ERROR,
    "转移支付表的项目金额 = 项目支出表中同一项目的金额",
)
def check_transfer_project(filing: Filing) -> Iterator[Hit]:
    for transfer, row in _pairs(_listed(filing, TRANSFER), _listed(filing, PROJECT)):
        yield from _hits(row, transfer, transfer, transfer.name)


@rule(
    "cross.transfer_targets",
    "cross_table_mismatch",
    Severity.ERROR,
    "转移支付表的项目金额 = 该项目绩效目标表的资金总额（项目支出表未列该项目时）",
)
def check_transfer_targets(filing: Filing) -> Iterator[Hit]:
    # When the project table lists the project, the two checks above already
    # tie all three prints together; comparing again would report one wrong
    # figure twice under two keys.
    listed = _listed(filing, PROJECT)
    transfers = {k: v for k, v in _listed(filing, TRANSFER).items() if k not in listed}
    for transfer, target in _pairs(transfers, _target_tables(filing)):
        yield from _hits(transfer, target, target, target.name)


@rule(
    "cross.unlisted_targets",
    "target_table_unlisted",
    Severity.INFO,
    "绩效目标表的项目在项目支出表中找不到（名称不一致时无法核对金额）",
)
def check_unlisted_targets(filing: Filing) -> Iterator[Hit]:
    # Without a list row the amount checks above cannot run at all; when the
    # name differs by a word or two from a listed project, saying which one
    # lets the reviewer compare by hand.
    if filing.first(PROJECT) is None:
        return
    listed = _listed(filing, PROJECT)
    names = {key: places[0].name for key, places in listed.items()}
    for key, tables in _target_tables(filing).items():
        for target in tables[len(listed.get(key, [])) :]:
            # A listed name inside this one (a batch or year appended) is the
            # likeliest meaning; otherwise the most similar name, if close.
            close = [k for k in names if k and (k in key or key in k)][:1] or get_close_matches(
                key, list(names), n=1, cutoff=0.8
            )
            hint = f"，最接近的是“{names[close[0]]}”" if close else ""
            yield Hit(
                target.table.index,
                target.name,
                f"项目支出表中没有“{target.name}”{hint}",
                cells=("project",),
                printed=target.name,
                expected=names[close[0]] if close else None,
                detail="no project_expenditure row for this project"
                + (f" (closest: {names[close[0]]})" if close else ""),
            )


def _summary_grand(filing: Filing, side: str) -> tuple[Table, Mapping[str, Any]] | None:
    for table in filing.of_kind(SUMMARY):
        for row in table.rows:
            if nfkc(row.get("side")) == side and "总计" in nfkc(row.get("label")):
                return table, row
    return None


def _functional_total(filing: Filing) -> tuple[Table, Mapping[str, Any]] | None:
    for table in filing.of_kind(FUNCTIONAL):
        for row in table.rows:
            if not nfkc(row.get("code")) and "计" in nfkc(row.get("name")):
                return table, row
    return None


@rule(
    "cross.department_funds",
    "department_funds_mismatch",
    Severity.WARNING,
    "部门整体绩效目标表的资金与收支总表、功能分类表的合计一致",
)
def check_department_funds(filing: Filing) -> Iterator[Hit]:
    # Not one project's amount, so not SCHEMA's cross_table_mismatch: the
    # department table is often drawn up from an earlier version of the budget,
    # which is worth a look but is not a proven error.
    department = filing.first(DEPARTMENT_PERFORMANCE)
    if department is None:
        return
    funds = department.data.get("funds")
    references: list[tuple[str, str, tuple[Table, Mapping[str, Any]] | None, str]] = [
        (TOTAL, "资金总额", _summary_grand(filing, INCOME), "收支总表收入总计"),
        (BASIC, SPLIT_LABELS[BASIC], _functional_total(filing), "功能分类表合计基本支出"),
        (PROJECT_PART, SPLIT_LABELS[PROJECT_PART], _functional_total(filing), "功能分类表合计项目支出"),
    ]
    for side in TARGET_SIDES:
        if not isinstance(dig(funds, side), Mapping):
            continue
        for field, label, ref, ref_name in references:
            if ref is None:
                continue
            table, row = ref
            path = side if table.kind == SUMMARY else f"{side}.{field}"
            theirs = amount_at(row, path)
            ours = amount_at(funds, f"{side}.{field}")
            if ours is None and theirs is None:
                continue
            coarse = max(department.step, table.step)
            if amounts.same_after_rounding(or_zero(ours), or_zero(theirs), coarse):
                continue
            yield Hit(
                department.index,
                DEPARTMENT_KEY,
                f"{COLUMN_SET_LABELS[side]}{label}印为 {department.fmt_unit(ours)}，"
                f"{ref_name}为 {table.fmt_unit(theirs)}",
                cells=(f"funds.{side}.{field}",),
                printed=ours,
                expected=theirs,
                detail=f"{side}.{field}: {department.fmt_unit(ours)} vs "
                f"{table.fmt_unit(theirs)} in {table.kind}",
            )
