"""Small hand-made `budget-filing/1` documents for the rule tests.

Amounts are given in yuan as Python strings or numbers and stored the way
the format stores them (a decimal string, two places); None stays a blank.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from review.rules import Finding, run_rules

Triple = tuple[Any, Any, Any]


def yuan(value: Any) -> str | None:
    if value is None:
        return None
    return f"{Decimal(str(value)).quantize(Decimal('0.01')):f}"


def filing(*tables: dict[str, Any], year: int = 2024, stage: str = "adjustment") -> dict[str, Any]:
    return {
        "schema": "budget-filing/1",
        "department": "某某局",
        "year": year,
        "stage": stage,
        "tables": list(tables),
    }


def columns(initial: Any, adjusted: Any, change: Any) -> dict[str, Any]:
    return {"initial": yuan(initial), "adjusted": yuan(adjusted), "change": yuan(change)}


def summary(*rows: tuple[str, str, Any, Any, Any], unit: str = "元") -> dict[str, Any]:
    return {
        "kind": "income_expense_summary",
        "title": "部门收支总体情况表",
        "unit": unit,
        "pages": [1],
        "rows": [{"side": side, "label": label, **columns(a, b, c)} for side, label, a, b, c in rows],
    }


def split(values: Triple | None) -> dict[str, Any]:
    total, basic, project = values or (None, None, None)
    return {"total": yuan(total), "basic": yuan(basic), "project": yuan(project)}


def fn_row(
    code: str | None, name: str, initial: Triple, adjusted: Triple | None = None, change: Triple | None = None
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "initial": split(initial),
        "adjusted": split(adjusted),
        "change": split(change),
    }


def functional(*rows: dict[str, Any], unit: str = "元") -> dict[str, Any]:
    return {
        "kind": "functional_expenditure",
        "title": "一般公共预算支出表（功能分类科目）",
        "unit": unit,
        "pages": [2],
        "rows": list(rows),
    }


def item(
    name: str,
    initial: Any,
    adjusted: Any = None,
    change: Any = None,
    *,
    section: str | None = "一般公共预算",
    label: str | None = None,
) -> dict[str, Any]:
    return {
        "label": label or f"(一){name}",
        "name": name,
        "section": section,
        "subtotal": False,
        **columns(initial, adjusted, change),
        "note": "",
    }


def subtotal(label: str, name: str, initial: Any, adjusted: Any = None, change: Any = None) -> dict[str, Any]:
    return {
        "label": label,
        "name": name,
        "section": None,
        "subtotal": True,
        **columns(initial, adjusted, change),
        "note": "",
    }


def project_list(
    *rows: dict[str, Any], unit: str = "万元", kind: str = "project_expenditure"
) -> dict[str, Any]:
    return {"kind": kind, "title": "项目支出表", "unit": unit, "pages": [3], "rows": list(rows)}


def indicator(
    level1: str,
    level2: str,
    initial: tuple[str, str | None] | None,
    adjusted: tuple[str, str | None] | None = None,
) -> dict[str, Any]:
    def side(entry: tuple[str, str | None] | None) -> dict[str, Any] | None:
        return None if entry is None else {"name": entry[0], "value": entry[1]}

    return {
        "level1": level1,
        "level2": level2,
        "initial": side(initial),
        "adjusted": side(adjusted),
        "note": "",
    }


def complete(initial: bool = True, adjusted: bool = True) -> list[dict[str, Any]]:
    """One indicator of every required kind, harmless on both sides."""
    rows = [
        ("产出", "数量", "培训人数", "≥100人"),
        ("产出", "质量", "培训合格率", "≥95%"),
        ("产出", "时效", "完成时间", "2024年12月31日前"),
        ("产出", "成本", "项目或定额成本控制率", "=100%"),
        ("效益", "社会效益", "促进就业", "有效促进"),
        ("满意度", "服务对象满意度", "学员满意度", "≥90%"),
    ]
    return [
        indicator(l1, l2, (n, v) if initial else None, (n, v) if adjusted else None) for l1, l2, n, v in rows
    ]


def funds(total: Any, fiscal: Any = "same", non_fiscal: Any = 0) -> dict[str, Any] | None:
    if total == "none":
        return None
    return {
        "total": yuan(total),
        "fiscal": yuan(total if fiscal == "same" else fiscal),
        "non_fiscal": yuan(non_fiscal),
    }


def targets(
    project: str,
    initial: Any = 100000,
    adjusted: Any = 100000,
    *,
    unit: str = "万元",
    indicators: list[dict[str, Any]] | None = None,
    goals: dict[str, Any] | None = None,
    fund_sides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "kind": "project_performance",
        "title": "项目支出绩效目标表",
        "unit": unit,
        "pages": [4],
        "project": project,
        "supervisor": "某某局",
        "implementer": "某某局",
        "funds": fund_sides or {"initial": funds(initial), "adjusted": funds(adjusted)},
        "goals": goals or {"initial": "目标1:完成培训。", "adjusted": "目标1:完成培训。"},
        "indicators": complete() if indicators is None else indicators,
    }


def department(
    initial: Triple,
    adjusted: Triple | None = None,
    other: Any = 0,
    unit: str = "万元",
    indicators: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    def side(values: Triple | None) -> dict[str, Any] | None:
        if values is None:
            return None
        total, basic, project = values
        return {"total": yuan(total), "basic": yuan(basic), "project": yuan(project), "other": yuan(other)}

    return {
        "kind": "department_performance",
        "title": "部门整体支出绩效目标表",
        "unit": unit,
        "pages": [5],
        "funds": {"initial": side(initial), "adjusted": side(adjusted)},
        "functions": "职能",
        "goals": {"initial": "目标", "adjusted": "目标"},
        "indicators": indicators or [],
    }


def findings(doc: dict[str, Any], rule_id: str) -> list[Finding]:
    return run_rules(doc, rule_ids=[rule_id])


def keys(doc: dict[str, Any], rule_id: str) -> list[str]:
    return [f.key for f in findings(doc, rule_id)]
