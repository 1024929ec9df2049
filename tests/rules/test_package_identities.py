"""Package rules: the identities a 部门预算公开 holds across its tables, completeness, empty tables' notes."""

from __future__ import annotations

from decimal import Decimal

from review.rules import run_rules, to_anomalies_json

from .factories import filing, findings, fn_row, functional, summary
from .package_factories import grid, package, row, set_value, table_of

PACKAGE_RULES = (
    "package.totals",
    "package.fiscal",
    "package.functional",
    "package.basic",
    "package.fund_tables",
    "package.missing_table",
    "package.empty_note",
)


def triples(doc: dict) -> set[tuple[str, str, str]]:
    return {(a["class"], a["table"], a["key"]) for a in to_anomalies_json(run_rules(doc))["anomalies"]}


def test_the_consistent_package_has_no_finding() -> None:
    assert run_rules(package()) == []


# ------------------------------------------------------------------ package.totals


def test_income_table_total_must_be_the_summary_total() -> None:
    doc = package()
    set_value(doc, "income_sources", "合计", "收入预算/合计", "1100.00")
    set_value(doc, "income_sources", "合计", "收入预算/财政拨款收入", "1100.00")
    [f] = findings(doc, "package.totals")
    # three prints say 1000.00: the 收入总表 is the odd one out
    assert (f.anomaly_class, f.table_kind, f.key, f.cells) == (
        "cross_table_mismatch",
        "grid:income_sources",
        "合计",
        ("values.收入预算/合计",),
    )
    assert (f.printed, f.expected) == (Decimal("1100.00"), Decimal("1000.00"))
    assert "收入总表“收入预算/合计”印为 1100.00 元" in f.message and "1000.00 元" in f.message


def test_an_income_table_of_this_years_money_only_agrees_with_the_summarys_subtotal() -> None:
    # 收支总表 with 上年结转: the 收入总表 may print 本年收入合计 only.
    doc = package()
    table_of(doc, "income_expense_summary")["rows"] = summary(
        ("income", "一、一般公共预算财政拨款收入", "1000.00", None, None),
        ("income", "本年收入合计", "1000.00", None, None),
        ("income", "上年结转", "50.00", None, None),
        ("income", "收入总计", "1050.00", None, None),
        ("expense", "一、一般公共服务支出", "800.00", None, None),
        ("expense", "二、社会保障和就业支出", "200.00", None, None),
        ("expense", "本年支出合计", "1000.00", None, None),
        ("expense", "结转下年", "50.00", None, None),
        ("expense", "支出总计", "1050.00", None, None),
    )["rows"]
    assert findings(doc, "package.totals") == []


# ------------------------------------------------------------------ package.fiscal


def test_fiscal_summary_fund_lines_are_the_summarys() -> None:
    doc = package()
    ok = findings(doc, "package.fiscal")
    assert ok == []
    set_value(doc, "fiscal_summary", "一、一般公共预算资金", "财政拨款收入/预算数", "900.00")
    found = findings(doc, "package.fiscal")
    assert {(f.table_kind, f.key) for f in found} >= {("grid:fiscal_summary", "一、一般公共预算资金")}
    assert all(f.anomaly_class == "cross_table_mismatch" for f in found)


# ------------------------------------------------------------------ package.functional


def test_functional_table_against_the_fiscal_summarys_general_column_class_by_class() -> None:
    doc = package()
    set_value(doc, "fiscal_summary", "二、社会保障和就业支出", "财政拨款支出/一般公共预算", "210.00")
    [f] = findings(doc, "package.functional")
    # the functional table and the 收支总表 (all income is 一般公共预算) say 200.00: the
    # 财政拨款收支总表 is the odd one out
    assert (f.table_kind, f.key, f.printed, f.expected) == (
        "grid:fiscal_summary",
        "二、社会保障和就业支出",
        Decimal("210.00"),
        Decimal("200.00"),
    )


def test_functional_basic_and_codes_against_the_expense_table_when_all_income_is_general() -> None:
    doc = package()
    set_value(doc, "expense_split", "20103", "支出预算/基本支出", "400.00")
    set_value(doc, "expense_split", "20103", "支出预算/项目支出", "400.00")
    found = findings(doc, "package.functional")
    # two prints and no majority: both are named, each with the other's figure
    assert {(f.table_kind, f.key) for f in found} == {
        ("functional_expenditure", "20103"),
        ("grid:expense_split", "20103"),
    }


def test_no_comparison_with_the_expense_table_when_other_money_is_spent() -> None:
    # 事业收入 100: the 支出总表 covers it, the 一般公共预算 functional table does not.
    doc = package()
    rows = table_of(doc, "income_expense_summary")["rows"]
    for r in rows:
        if r["label"] == "二、事业收入":
            r["initial"] = "100.00"
        if r["label"] in ("收入总计", "支出总计"):
            r["initial"] = "1100.00"
        if r["label"] == "一、一般公共服务支出":
            r["initial"] = "900.00"
    set_value(doc, "expense_split", "201", "支出预算/合计", "900.00")
    set_value(doc, "expense_split", "201", "支出预算/项目支出", "400.00")
    set_value(doc, "expense_split", "20103", "支出预算/合计", "900.00")
    set_value(doc, "expense_split", "20103", "支出预算/项目支出", "400.00")
    set_value(doc, "expense_split", "合计", "支出预算/合计", "1100.00")
    set_value(doc, "expense_split", "合计", "支出预算/项目支出", "400.00")
    set_value(doc, "income_sources", "合计", "收入预算/合计", "1100.00")
    set_value(doc, "income_sources", "合计", "收入预算/事业收入", "100.00")
    set_value(doc, "income_sources", "201", "收入预算/合计", "900.00")
    set_value(doc, "income_sources", "201", "收入预算/事业收入", "100.00")
    set_value(doc, "income_sources", "20103", "收入预算/合计", "900.00")
    set_value(doc, "income_sources", "20103", "收入预算/事业收入", "100.00")
    assert [(f.rule_id, f.key) for f in run_rules(doc)] == []


# ------------------------------------------------------------------ package.basic


def test_economic_table_total_is_the_functional_basic() -> None:
    doc = package()
    set_value(doc, "economic_basic", "合计", "一般公共预算基本支出/合计", "750.00")
    found = findings(doc, "package.basic")
    assert [(f.table_kind, f.key, f.cells) for f in found] == [
        ("grid:economic_basic", "合计", ("values.一般公共预算基本支出/合计",))
    ]
    assert found[0].expected == Decimal("700.00")


def test_three_public_covers_project_funds_and_is_not_compared_with_basic_expense() -> None:
    doc = package()
    three = table_of(doc, "three_public")
    three["rows"][0]["values"] = {
        k: ("9000000.00" if v else v) for k, v in three["rows"][0]["values"].items()
    }
    assert [f for f in run_rules(doc) if f.rule_id.startswith("package.")] == []


# ------------------------------------------------------------------ package.fund_tables


def test_an_empty_fund_table_while_the_summary_prints_that_fund() -> None:
    doc = package()
    for r in table_of(doc, "income_expense_summary")["rows"]:
        if r["label"] == "2.政府性基金":
            r["initial"] = "50.00"
    found = findings(doc, "package.fund_tables")
    assert [(f.anomaly_class, f.table_kind, f.key) for f in found] == [
        ("cross_table_mismatch", "grid:government_fund", "")
    ]
    assert "为空表" in found[0].message and "50.00 元" in found[0].message


def test_a_fund_table_with_money_the_summary_does_not_print() -> None:
    doc = package()
    set_value(doc, "state_capital", "合计", "国有资本经营预算支出/合计", "10.00")
    set_value(doc, "state_capital", "合计", "国有资本经营预算支出/项目支出", "10.00")
    found = findings(doc, "package.fund_tables")
    assert [(f.table_kind, f.key) for f in found] == [("grid:state_capital", "")]


# ------------------------------------------------------------------ package.missing_table


def test_a_package_must_hold_the_template_tables() -> None:
    doc = package(fund=None, three=None)
    found = findings(doc, "package.missing_table")
    assert [(f.anomaly_class, f.severity, f.key) for f in found] == [
        ("missing_table", "warning", "three_public"),
        ("missing_table", "warning", "government_fund"),
    ]
    assert ("missing_table", "", "government_fund") in triples(doc)


def test_a_guizhou_approval_is_no_package() -> None:
    doc = filing(
        summary(("income", "收入总计", 100, None, None), ("expense", "支出总计", 100, None, None)),
        functional(fn_row(None, "合计", (100, 100, None))),
    )
    assert findings(doc, "package.missing_table") == []


# ------------------------------------------------------------------ package.empty_note


def test_an_empty_table_says_so_in_its_own_words() -> None:
    doc = package()
    table_of(doc, "state_capital")["note"] = (
        "注:本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表。"
    )
    [f] = findings(doc, "package.empty_note")
    assert (f.anomaly_class, f.severity, f.table_kind, f.key) == (
        "note_mismatch",
        "warning",
        "grid:state_capital",
        "",
    )
    assert "政府性基金" in f.message


def test_a_note_naming_its_own_fund_is_fine_whatever_follows_it() -> None:
    # A 决算's note that swallowed the 说明 after it names every fund; its own first.
    doc = filing(
        grid(
            "final_accounts",
            ["本年收入", "本年支出/合计"],
            row("合计", None, None),
            title="国有资本经营预算财政拨款收入支出决算表",
            note="说明：本单位本年度没有国有资本经营预算财政拨款收入和支出，故本表无数据。八、本单位无政府性基金预算财政拨款收入。",
        ),
        stage="final",
    )
    assert findings(doc, "package.empty_note") == []


def test_every_package_rule_is_registered() -> None:
    from review.rules import RULES

    assert set(PACKAGE_RULES) <= set(RULES)


def test_personnel_and_public_costs_against_a_summary_that_prints_them() -> None:
    cols = [
        "本年收入/预算数",
        "本年支出/预算数/合计",
        "本年支出/预算数/基本支出/人员经费",
        "本年支出/预算数/基本支出/公用经费",
        "本年支出/预算数/项目支出",
    ]
    summary_grid = grid(
        "summary",
        cols,
        row("一、财政拨款收入", "1000.00", side="income"),
        row("1、一般公共预算", "1000.00", side="income"),
        row("收入总计", "1000.00", side="income"),
        row("一、一般公共服务支出", None, "800.00", "400.00", "100.00", "300.00", side="expense"),
        row("二、社会保障和就业支出", None, "200.00", "200.00", None, None, side="expense"),
        row("支出总计", None, "1000.00", "600.00", "100.00", "300.00", side="expense"),
    )
    doc = package(summary=summary_grid)
    assert findings(doc, "package.basic") == []
    set_value(doc, "summary", "支出总计", "本年支出/预算数/基本支出/人员经费", "610.00")
    set_value(doc, "summary", "支出总计", "本年支出/预算数/基本支出/公用经费", "90.00")
    found = findings(doc, "package.basic")
    assert {(f.table_kind, f.key) for f in found} == {
        ("grid:summary", "支出总计"),
        ("grid:economic_basic", "合计"),
    }
    assert all("人员经费" in f.message or "公用经费" in f.message for f in found)


def test_a_functional_table_of_totals_only_is_compared_on_its_totals() -> None:
    doc = package()
    for r in table_of(doc, "functional_expenditure")["rows"]:
        r["initial"]["basic"] = r["initial"]["project"] = None
    assert [f for f in run_rules(doc) if f.rule_id.startswith("package.")] == []
