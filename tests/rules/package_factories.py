"""Small `grid` tables and 部门预算公开 packages for the grid and package rule tests.

Amounts are given in yuan (numbers or strings) and stored as the format stores them; None is a
blank cell.  `package()` builds a small, consistent package in the Shanghai layout (all income
一般公共预算, printed in 元 with two decimals) that every test then breaks in one place.
"""

from __future__ import annotations

import copy
from typing import Any

from .factories import filing, fn_row, functional, summary, yuan

# the columns of a Shanghai “三公”经费和机关运行经费预算表
THREE_PUBLIC_COLUMNS = [
    "“三公”经费预算数/合计",
    "“三公”经费预算数/因公出国(境)费",
    "“三公”经费预算数/公务接待费",
    "“三公”经费预算数/公务用车购置及运行费/小计",
    "“三公”经费预算数/公务用车购置及运行费/购置费",
    "“三公”经费预算数/公务用车购置及运行费/运行费",
    "机关运行经费预算数",
]


def row(
    label: str | None, *values: Any, code: str | None = None, side: str | None = None, page: int = 1
) -> dict[str, Any]:
    return {"side": side, "code": code, "label": label, "values": list(values), "page": page}


def grid(
    role: str,
    columns: list[str],
    *rows: dict[str, Any],
    unit: str = "元",
    title: str = "",
    note: str | None = None,
) -> dict[str, Any]:
    """A grid; each row's positional values go to `columns` in order (numbers become amounts,
    strings are kept as printed: "100.00" is an amount, "30201" a code in a text column)."""
    table: dict[str, Any] = {
        "kind": "grid",
        "role": role,
        "title": title or role,
        "unit": unit,
        "pages": [rows[0]["page"] if rows else 1],
        "columns": columns,
        "rows": [],
    }
    for r in rows:
        values = r["values"]
        table["rows"].append(
            {
                "side": r["side"],
                "code": r["code"],
                "label": r["label"],
                "values": {
                    c: (v if isinstance(v, str) else yuan(v)) for c, v in zip(columns, values, strict=False)
                }
                | {c: None for c in columns[len(values) :]},
                "page": r["page"],
            }
        )
    if note is not None:
        table["note"] = note
    return table


def package(**overrides: Any) -> dict[str, Any]:
    """A consistent 部门预算公开 in the 财政部 template's eight tables (plus 国有资本经营).

    Income 1000.00 (一般公共预算 only); expense 201 800.00 (基本 500.00, 项目 300.00), 208 200.00
    (基本 200.00); 基本支出 by economic code 301 600.00 (人员), 302 100.00 (公用).
    """
    s = summary(
        ("income", "一、财政拨款收入", "1000.00", None, None),
        ("income", "1.一般公共预算资金", "1000.00", None, None),
        ("income", "2.政府性基金", None, None, None),
        ("income", "3.国有资本经营预算", None, None, None),
        ("income", "二、事业收入", None, None, None),
        ("income", "收入总计", "1000.00", None, None),
        ("expense", "一、一般公共服务支出", "800.00", None, None),
        ("expense", "二、社会保障和就业支出", "200.00", None, None),
        ("expense", "支出总计", "1000.00", None, None),
    )
    income = grid(
        "income_sources",
        ["收入预算/合计", "收入预算/财政拨款收入", "收入预算/事业收入"],
        row("一般公共服务支出", "800.00", "800.00", None, code="201"),
        row("政府办公厅（室）及相关机构事务", "800.00", "800.00", None, code="20103"),
        row("社会保障和就业支出", "200.00", "200.00", None, code="208"),
        row("合计", "1000.00", "1000.00", None),
    )
    expense = grid(
        "expense_split",
        ["支出预算/合计", "支出预算/基本支出", "支出预算/项目支出"],
        row("一般公共服务支出", "800.00", "500.00", "300.00", code="201"),
        row("政府办公厅（室）及相关机构事务", "800.00", "500.00", "300.00", code="20103"),
        row("社会保障和就业支出", "200.00", "200.00", None, code="208"),
        row("合计", "1000.00", "700.00", "300.00"),
    )
    fiscal = grid(
        "fiscal_summary",
        [
            "财政拨款收入/预算数",
            "财政拨款支出/合计",
            "财政拨款支出/一般公共预算",
            "财政拨款支出/政府性基金预算",
        ],
        row("一、一般公共预算资金", "1000.00", side="income"),
        row("二、政府性基金", None, side="income"),
        row("收入总计", "1000.00", side="income"),
        row("一、一般公共服务支出", None, "800.00", "800.00", None, side="expense"),
        row("二、社会保障和就业支出", None, "200.00", "200.00", None, side="expense"),
        row("支出总计", None, "1000.00", "1000.00", None, side="expense"),
    )
    fn = functional(
        fn_row("201", "一般公共服务支出", ("800.00", "500.00", "300.00")),
        fn_row("20103", "政府办公厅（室）及相关机构事务", ("800.00", "500.00", "300.00")),
        fn_row("208", "社会保障和就业支出", ("200.00", "200.00", None)),
        fn_row(None, "合计", ("1000.00", "700.00", "300.00")),
    )
    economic = grid(
        "economic_basic",
        ["一般公共预算基本支出/合计", "一般公共预算基本支出/人员经费", "一般公共预算基本支出/公用经费"],
        row("工资福利支出", "600.00", "600.00", None, code="301"),
        row("基本工资", "600.00", "600.00", None, code="30101"),
        row("商品和服务支出", "100.00", None, "100.00", code="302"),
        row("办公费", "100.00", None, "100.00", code="30201"),
        row("合计", "700.00", "600.00", "100.00"),
        title="2025年部门一般公共预算基本支出部门预算经济分类预算表",
    )
    three = grid(
        "three_public",
        THREE_PUBLIC_COLUMNS,
        row(None, 30000, 10000, 5000, 15000, None, 15000, 100000),
        unit="万元",
    )
    fund = grid(
        "government_fund",
        ["政府性基金预算支出/合计", "政府性基金预算支出/基本支出", "政府性基金预算支出/项目支出"],
        row("合计", None, None, None),
        note="注:本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表。",
    )
    capital = grid(
        "state_capital",
        ["国有资本经营预算支出/合计", "国有资本经营预算支出/基本支出", "国有资本经营预算支出/项目支出"],
        row("合计", None, None, None),
        note="注:本部门2025年无国有资本经营预算财政拨款安排的预算，故本表为空表。",
    )
    tables = {
        "summary": s,
        "income": income,
        "expense": expense,
        "fiscal": fiscal,
        "functional": fn,
        "economic": economic,
        "three": three,
        "fund": fund,
        "capital": capital,
    }
    tables.update(overrides)
    doc = filing(*[t for t in tables.values() if t is not None], year=2025, stage="original")
    return copy.deepcopy(doc)


def table_of(doc: dict[str, Any], kind_or_role: str) -> dict[str, Any]:
    return next(t for t in doc["tables"] if t.get("role") == kind_or_role or t["kind"] == kind_or_role)


def set_value(doc: dict[str, Any], role: str, key: str, column: str, amount: Any) -> None:
    """Set one grid cell (the row found by code or label)."""
    table = table_of(doc, role)
    r = next(r for r in table["rows"] if key in (r.get("code"), r.get("label")))
    r["values"][column] = yuan(amount)
