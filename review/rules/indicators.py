"""Performance-indicator rules for the target tables (绩效目标表).

A project target table must carry every kind of indicator the template asks
for, and its targets must be able to hold: a cost cap within the project's
funds, quantities only where there is money, rates at most 100 %, deadlines
inside the budget year, and no template placeholders left in.  Each column
set (年初 / 调整) is judged on its own, and only when the table prints it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from budget_filing.kinds import ADJUSTED, INITIAL, PERFORMANCE_KINDS, PROJECT_PERFORMANCE, TARGET_SIDES, TOTAL
from budget_filing.text import nfkc, squash
from budget_filing.units import YUAN
from budget_filing.values import Value, deadlines, parse_value

from . import amounts
from .model import FUND_PARTS, Filing, Hit, Severity, Table, amount_at
from .names import match_key
from .registry import rule

SIDE_NAMES = {INITIAL: "年初", ADJUSTED: "调整"}
REQUIRED_KINDS = ("数量", "质量", "时效", "成本", "效益", "满意度")
OUTPUT_KINDS = ("数量", "质量", "时效", "成本")

# Template rows nobody filled in: 数量1, 质量指标2, 服务对象满意度1 ...
_PLACEHOLDER_NAME = re.compile(
    r"^(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|效益|满意度|"
    r"服务对象满意度|指标)(?:指标)?\d+$"
)
_GOAL_MARKER = re.compile(r"(?:年度)?(?:总体)?目标\s*[\d一二三四五六七八九十]*\s*[:：]?")
_FILLER = re.compile(r"[\s.。…·,，;；:：、\-—_]+")
_GROWTH = re.compile(r"增长|增幅|增速|增加|提高|提升|同比|环比")


def indicator_kind(ind: Mapping[str, Any]) -> str | None:
    """数量/质量/时效/成本/效益/满意度, read from level2 first, then level1."""
    level1, level2 = nfkc(ind.get("level1")), nfkc(ind.get("level2"))
    for kind in OUTPUT_KINDS:
        if kind in level2:
            return kind
    for text in (level2, level1):
        if "满意" in text:
            return "满意度"
        if "效益" in text or "影响" in text:
            return "效益"
    return "产出" if "产出" in level1 else None


def side_of(ind: Mapping[str, Any], side: str) -> Mapping[str, Any] | None:
    """The indicator's name/value on one column set; None when that side is blank."""
    entry = ind.get(side)
    if not isinstance(entry, Mapping):
        return None
    if not nfkc(entry.get("name")) and not nfkc(entry.get("value")):
        return None
    return entry


def _sides_present(table: Table) -> list[str]:
    return [s for s in TARGET_SIDES if any(side_of(i, s) for i in table.indicators)]


def _funds(table: Table, side: str) -> Decimal | None:
    """资金总额 of one side; the parts stand in for a blank total."""
    funds = table.data.get("funds")
    whole = amount_at(funds, f"{side}.{TOTAL}")
    if whole is not None:
        return whole
    parts = [amount_at(funds, f"{side}.{p}") for p, _ in FUND_PARTS.get(table.kind, ())]
    return None if all(p is None for p in parts) else amounts.total(parts)


def _entries(
    table: Table, side: str, kind: str | None = None
) -> Iterator[tuple[int, Mapping[str, Any], Value]]:
    for i, ind in enumerate(table.indicators):
        entry = side_of(ind, side)
        if entry is None or (kind is not None and indicator_kind(ind) != kind):
            continue
        yield i, entry, parse_value(entry.get("value"))


def _project_tables(filing: Filing) -> Iterator[Table]:
    return filing.of_kind(PROJECT_PERFORMANCE)


def _performance_tables(filing: Filing) -> Iterator[Table]:
    return (t for t in filing.tables if t.kind in PERFORMANCE_KINDS)


# ------------------------------------------------------------------ completeness


@rule(
    "ind.missing_kind",
    "missing_indicator",
    Severity.WARNING,
    "项目绩效目标表须有产出（数量、质量、时效、成本）、效益、满意度指标",
)
def check_missing_kind(filing: Filing) -> Iterator[Hit]:
    for table in _project_tables(filing):
        for side in _sides_present(table):
            kinds = {indicator_kind(ind) for ind in table.indicators if side_of(ind, side)}
            missing = [k for k in REQUIRED_KINDS if k not in kinds]
            if not missing:
                continue
            named = "、".join(f"产出/{k}" if k in OUTPUT_KINDS else k for k in missing)
            yield Hit(
                table.index,
                table.target_key,
                f"{SIDE_NAMES[side]}指标缺少 {named} 类指标",
                cells=(f"indicators.{side}",),
                printed="、".join(sorted(k for k in kinds if k)),
                expected="、".join(REQUIRED_KINDS),
                detail=f"{side}: no {', '.join(missing)} indicator",
            )


@rule(
    "ind.placeholder",
    "indicator_value_invalid",
    Severity.WARNING,
    "指标名称或指标值为空或仍是模板占位（数量1、XXX）",
)
def check_placeholder(filing: Filing) -> Iterator[Hit]:
    for table in _performance_tables(filing):
        for side in TARGET_SIDES:
            for i, entry, parsed in _entries(table, side):
                name, value = nfkc(entry.get("name")), parsed.text
                problems = []
                if not name or _PLACEHOLDER_NAME.match(name):
                    problems.append(f"指标名称“{name or '空白'}”是模板占位")
                if not value:
                    problems.append("指标值为空")
                elif parsed.is_placeholder:
                    problems.append(f"指标值“{value}”是模板占位")
                if not problems:
                    continue
                yield Hit(
                    table.index,
                    table.target_key,
                    f"{SIDE_NAMES[side]}指标“{name}”：{'，'.join(problems)}",
                    row_index=i,
                    cells=(f"{side}.name", f"{side}.value"),
                    printed=value or None,
                    detail=f"{side}: value {value or '(empty)'} for {name or '(empty)'}",
                )


def is_placeholder_goal(text: object) -> bool:
    """`目标1:目标2:目标3:` and the like: markers with nothing written after them."""
    goal = nfkc(text)
    if not goal:
        return False
    return _FILLER.sub("", _GOAL_MARKER.sub("", goal)) == ""


@rule(
    "ind.goal_placeholder",
    "indicator_value_invalid",
    Severity.WARNING,
    "绩效目标仍是模板占位（目标1:目标2:目标3:）",
)
def check_goal_placeholder(filing: Filing) -> Iterator[Hit]:
    for table in _performance_tables(filing):
        goals = table.data.get("goals")
        if not isinstance(goals, Mapping):
            continue
        for side in TARGET_SIDES:
            if is_placeholder_goal(goals.get(side)):
                goal = squash(goals.get(side))
                yield Hit(
                    table.index,
                    table.target_key,
                    f"{SIDE_NAMES[side]}绩效目标只有模板占位“{goal}”，未填写内容",
                    cells=(f"goals.{side}",),
                    printed=goal,
                    detail=f"{side}: goal is the template placeholder {goal}",
                )


# ------------------------------------------------------------------ values that cannot hold


@rule("ind.rate_over_100", "indicator_value_invalid", Severity.WARNING, "比率类指标值超过 100%")
def check_rate_over_100(filing: Filing) -> Iterator[Hit]:
    for table in _performance_tables(filing):
        for side in TARGET_SIDES:
            for i, entry, value in _entries(table, side):
                if not value.is_percent or value.quantity is None:
                    continue
                # A cap above 100 % still holds, and growth can exceed 100 %.
                if value.is_cap or value.quantity <= 100:
                    continue
                if _GROWTH.search(nfkc(entry.get("name"))):
                    continue
                yield Hit(
                    table.index,
                    table.target_key,
                    f"{SIDE_NAMES[side]}指标“{squash(entry.get('name'))}”的值 {value.text} 超过 100%",
                    row_index=i,
                    cells=(f"{side}.value",),
                    printed=value.text,
                    expected="≤100%",
                    detail=f"{side}: rate {value.text} above 100%",
                )


@rule("ind.cost_cap", "cost_exceeds_funds", Severity.ERROR, "成本指标上限（≤N元/万元）不得超过项目资金总额")
def check_cost_cap(filing: Filing) -> Iterator[Hit]:
    for table in _project_tables(filing):
        for side in _sides_present(table):
            funds = amounts.or_zero(_funds(table, side))
            # The printed funds stand for anything up to half a step more.
            limit = funds + table.step / 2
            for i, entry, value in _entries(table, side, "成本"):
                if not (value.is_cap and value.is_money) or value.quantity is None:
                    continue
                if value.quantity <= limit:
                    continue
                yield Hit(
                    table.index,
                    table.target_key,
                    f"{SIDE_NAMES[side]}成本指标“{squash(entry.get('name'))}”上限 "
                    f"{value.text}（{amounts.fmt_unit(value.quantity, YUAN)}）超过资金总额 "
                    f"{table.fmt_unit(funds)}",
                    row_index=i,
                    cells=(f"{side}.value", f"funds.{side}.{TOTAL}"),
                    printed=value.quantity,
                    expected=funds,
                    detail=f"{side}: cap {value.text} > funds {table.fmt_unit(funds)}",
                )


@rule(
    "ind.targets_without_funds", "targets_without_funds", Severity.WARNING, "资金总额为零而数量指标仍不为零"
)
def check_targets_without_funds(filing: Filing) -> Iterator[Hit]:
    for table in _project_tables(filing):
        for side in _sides_present(table):
            funds = amounts.or_zero(_funds(table, side))
            if amounts.round_to(funds, table.step) != 0:
                continue
            kept = [
                (i, e, v)
                for i, e, v in _entries(table, side, "数量")
                if v.quantity is not None and v.quantity > 0
            ]
            if not kept:
                continue
            i, entry, value = kept[0]
            yield Hit(
                table.index,
                table.target_key,
                f"{SIDE_NAMES[side]}资金总额为 0，但数量指标“{squash(entry.get('name'))}”"
                f"仍为 {value.text}" + (f" 等 {len(kept)} 项" if len(kept) > 1 else ""),
                row_index=i,
                cells=(f"{side}.value", f"funds.{side}.{TOTAL}"),
                printed=value.text,
                expected="0",
                detail=f"{side}: funds 0 but {squash(entry.get('name'))} {value.text}",
            )


@rule("ind.stale_deadline", "stale_deadline", Severity.WARNING, "时效指标的完成时限早于预算年度")
def check_stale_deadline(filing: Filing) -> Iterator[Hit]:
    year = filing.year
    if year is None:
        return
    for table in _performance_tables(filing):
        for side in TARGET_SIDES:
            for i, entry, _ in _entries(table, side, "时效"):
                # A month without a year (`12月底前`) is the budget year's, so never stale.
                found = deadlines(entry.get("name"), year) + deadlines(
                    entry.get("value"), year, whole_value=True
                )
                stale = [d for d in found if d.year < year]
                if not stale:
                    continue
                yield Hit(
                    table.index,
                    table.target_key,
                    f"{SIDE_NAMES[side]}时效指标“{squash(entry.get('name'))}”"
                    f"（{squash(entry.get('value'))}）的时限 {stale[0].text} "
                    f"早于预算年度 {year} 年",
                    row_index=i,
                    cells=(f"{side}.name", f"{side}.value"),
                    printed=stale[0].text,
                    expected=f"{year}年",
                    detail=f"{side}: deadline {stale[0].text} before {year}",
                )


# ------------------------------------------------------------------ warnings of our own


def _paired_quantities(table: Table) -> Iterator[tuple[int, str, Value, Value]]:
    """数量 indicators printed on both sides under one name, in one unit."""
    for i, ind in enumerate(table.indicators):
        if indicator_kind(ind) != "数量":
            continue
        a, b = side_of(ind, INITIAL), side_of(ind, ADJUSTED)
        if a is None or b is None:
            continue
        if match_key(a.get("name")) != match_key(b.get("name")):
            continue
        va, vb = parse_value(a.get("value")), parse_value(b.get("value"))
        if va.quantity is None or vb.quantity is None or va.quantity_unit != vb.quantity_unit:
            continue
        yield i, squash(a.get("name")), va, vb


@rule("ind.target_change_large", "target_change_large", Severity.WARNING, "同一数量指标调整前后相差超过一倍")
def check_target_change_large(filing: Filing) -> Iterator[Hit]:
    for table in _performance_tables(filing):
        for i, name, before, after in _paired_quantities(table):
            assert before.quantity is not None and after.quantity is not None
            if before.quantity <= 0 or after.quantity <= 0:
                continue
            ratio = after.quantity / before.quantity
            if Decimal("0.5") <= ratio <= 2:
                continue
            yield Hit(
                table.index,
                table.target_key,
                f"数量指标“{name}”由 {before.text} 调整为 {after.text}，变化超过一倍",
                row_index=i,
                cells=(f"{INITIAL}.value", f"{ADJUSTED}.value"),
                printed=after.text,
                expected=before.text,
                detail=f"{name}: {before.text} -> {after.text}",
            )


@rule(
    "ind.funds_cut_targets_raised", "funds_cut_targets_raised", Severity.WARNING, "资金调减而数量指标反而调高"
)
def check_funds_cut_targets_raised(filing: Filing) -> Iterator[Hit]:
    for table in _performance_tables(filing):
        before, after = _funds(table, INITIAL), _funds(table, ADJUSTED)
        if before is None or after is None:
            continue
        if amounts.round_to(after, table.step) >= amounts.round_to(before, table.step):
            continue
        for i, name, was, now in _paired_quantities(table):
            assert was.quantity is not None and now.quantity is not None
            if now.is_cap or now.quantity <= was.quantity:
                continue
            yield Hit(
                table.index,
                table.target_key,
                f"资金总额由 {table.fmt_unit(before)} 调减为 {table.fmt_unit(after)}，"
                f"数量指标“{name}”却由 {was.text} 调高为 {now.text}",
                row_index=i,
                cells=(
                    f"{INITIAL}.value",
                    f"{ADJUSTED}.value",
                    *(f"funds.{side}.{TOTAL}" for side in TARGET_SIDES),
                ),
                printed=now.text,
                expected=was.text,
                detail=f"funds {table.fmt(before)} -> {table.fmt(after)}, {name}: {was.text} -> {now.text}",
            )
