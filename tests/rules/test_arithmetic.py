"""Arithmetic rules: 增减数, splits, totals, balance, and their rounding tolerance."""

from __future__ import annotations

from decimal import Decimal

from .factories import (
    department,
    filing,
    findings,
    fn_row,
    functional,
    item,
    keys,
    project_list,
    subtotal,
    summary,
    targets,
)

# ------------------------------------------------------------------ arith.change


def test_change_mismatch_in_a_wan_yuan_table_names_printed_and_expected() -> None:
    doc = filing(
        project_list(
            item("考试考务经费", 7233100, 9534400, 2301300 + 10000),
        )
    )
    [f] = findings(doc, "arith.change")
    assert (f.anomaly_class, f.table_kind, f.key, f.row_index) == (
        "change_mismatch",
        "project_expenditure",
        "考试考务经费",
        0,
    )
    assert f.printed == Decimal("2311300.00") and f.expected == Decimal("2301300.00")
    assert f.message == "增减数印为 231.13 万元，应为 953.44 − 723.31 = 230.13 万元"
    assert f.severity == "error"


def test_change_within_one_step_per_part_of_the_printed_unit_is_rounding() -> None:
    # 100 元 is one step (0.01 万元) in a 万元 table; 增减数 is worked from two printed
    # figures, so 200 元 is rounding and 201 元 is not.
    ok = filing(project_list(item("甲", 7233100, 9534400, 2301500)))
    bad = filing(project_list(item("甲", 7233100, 9534400, 2301501)))
    assert keys(ok, "arith.change") == []
    assert keys(bad, "arith.change") == ["甲"]


def test_change_step_follows_the_unit_field() -> None:
    # The same 3-元 gap is rounding in 万元 but an error in a 元 table, even one in whole yuan.
    wan = filing(project_list(item("甲", 100, 200, 103), unit="万元"))
    yuan = filing(project_list(item("甲", 100, 200, 103), unit="元"))
    assert keys(wan, "arith.change") == []
    assert keys(yuan, "arith.change") == ["甲"]


def test_a_whole_yuan_table_allows_one_yuan_per_part_a_two_decimal_one_a_cent() -> None:
    # Printed in whole yuan (every amount .00): each figure was rounded to 1 元.
    whole = filing(project_list(item("甲", 100, 200, 102), unit="元"))
    assert keys(whole, "arith.change") == []
    # Printed with two decimals: 0.01 元 per figure, so 0.02 is rounding and 0.03 is not.
    cents_ok = filing(project_list(item("甲", "100.50", 200, "99.52"), unit="元"))
    cents_bad = filing(project_list(item("甲", "100.50", 200, "99.53"), unit="元"))
    assert keys(cents_ok, "arith.change") == []
    assert keys(cents_bad, "arith.change") == ["甲"]


def test_a_thousand_yuan_table_allows_ten_yuan_a_part_and_shows_its_unit() -> None:
    # One step of 千元 is 10 元, two parts: a gap of 20 is rounding, 21 is an error, shown in 千元.
    ok = filing(project_list(item("甲", 1000, 2000, 1020), unit="千元"))
    bad = filing(project_list(item("甲", 1000, 2000, 1021), unit="千元"))
    assert keys(ok, "arith.change") == []
    [f] = findings(bad, "arith.change")
    assert "1.021 千元" in f.message and f.expected == Decimal("1000.00")


def test_change_blank_counts_as_zero() -> None:
    doc = filing(
        project_list(
            item("不变", 731000, 731000, None),
            item("新增", None, 560000, 560000),
            item("取消", 50000, None, -50000),
        )
    )
    assert keys(doc, "arith.change") == []


def test_change_on_functional_rows_per_column_and_summary_rows() -> None:
    doc = filing(
        functional(fn_row("2080101", "行政运行", (100, 100, None), (150, 140, 10), (50, 40, 13))),
        summary(("income", "一、一般公共预算财政拨款收入", 100, 150, 47)),
    )
    found = findings(doc, "arith.change")
    assert {(f.table_kind, f.key) for f in found} == {
        ("functional_expenditure", "2080101"),
        ("income_expense_summary", "一、一般公共预算财政拨款收入"),
    }
    assert [f.cells for f in found if f.table_kind == "functional_expenditure"] == [
        ("initial.project", "adjusted.project", "change.project")
    ]


def test_original_filing_without_adjustment_columns_is_not_checked() -> None:
    doc = filing(project_list(item("甲", 100000)), stage="original")
    assert keys(doc, "arith.change") == []


# ------------------------------------------------------------------ arith.split


def test_split_total_must_equal_basic_plus_project() -> None:
    doc = filing(
        functional(
            fn_row("205", "教育支出", (300, 100, 200), (300, 100, 200), (0, 0, 0)),
            fn_row("20503", "职业教育", (303, 100, 200), (300, 100, 200), (0, 0, 0)),
        )
    )
    [f] = findings(doc, "arith.split")
    assert (f.key, f.cells) == ("20503", ("initial.total", "initial.basic", "initial.project"))
    assert "基本支出 100.00 + 项目支出 200.00 = 300.00 元" in f.message


def test_split_skips_rows_without_parts() -> None:
    doc = filing(functional(fn_row(None, "合计", (300, None, None))))
    assert keys(doc, "arith.split") == []


# ------------------------------------------------------------------ arith.funds_split


def test_project_funds_total_must_equal_fiscal_plus_non_fiscal() -> None:
    bad = targets(
        "基础养老金",
        unit="元",
        fund_sides={
            "initial": {"total": "32981100.00", "fiscal": "29683000.00", "non_fiscal": "0.00"},
            "adjusted": None,
        },
    )
    good = targets(
        "参保缴费补贴",
        unit="元",
        fund_sides={
            "initial": {"total": "50000.00", "fiscal": None, "non_fiscal": "50000.00"},
            "adjusted": None,
        },
    )
    doc = filing(bad, good, stage="original")
    [f] = findings(doc, "arith.funds_split")
    assert (f.anomaly_class, f.table_kind, f.key) == ("split_mismatch", "project_performance", "基础养老金")
    assert f.row_index is None and f.cells[0] == "funds.initial.total"


def test_department_funds_total_is_basic_plus_project_plus_other() -> None:
    # 11351.7986 万元 against parts summing to 11351.80: within one step.
    ok = department((152340200, 37230100, 75060100), (113517986, 41180100, 47553700), other=24784200)
    ok["funds"]["initial"]["other"] = "40050000.00"
    bad = department((100000, 30000, 60000), None, other=0)
    assert keys(filing(ok), "arith.funds_split") == []
    assert keys(filing(bad), "arith.funds_split") == ["部门整体"]


# ------------------------------------------------------------------ arith.functional_sum


def _functional_tree(grand: tuple[int, int, int]) -> dict:
    return functional(
        fn_row(None, "合计", grand),
        fn_row("205", "教育支出", (400, 0, 400)),
        fn_row("20503", "职业教育", (400, 0, 400)),
        fn_row("2050303", "技校教育", (400, 0, 400)),
        fn_row("208", "社会保障和就业支出", (600, 500, 100)),
        fn_row("20801", "人力资源和社会保障管理", (600, 500, 100)),
        fn_row("2080101", "行政运行", (500, 500, 0)),
        fn_row("2080199", "其他人力资源和社会保障", (100, 0, 100)),
    )


def test_functional_grand_total_over_classes() -> None:
    assert keys(filing(_functional_tree((1000, 500, 500))), "arith.functional_sum") == []
    found = findings(filing(_functional_tree((1200, 500, 700))), "arith.functional_sum")
    assert {f.key for f in found} == {"合计"}
    assert {f.cells for f in found} == {("initial.total",), ("initial.project",)}


def test_functional_parent_over_children_by_code_prefix_not_position() -> None:
    table = _functional_tree((1000, 500, 500))
    # A 项 printed out of place (after another 款) still belongs to 20801.
    table["rows"].append(fn_row("2080102", "一般行政管理事务", (0, 0, 0)))
    assert keys(filing(table), "arith.functional_sum") == []
    table["rows"][-1] = fn_row("2080102", "一般行政管理事务", (50, 0, 50))
    found = findings(filing(table), "arith.functional_sum")
    # 208 and 合计 add up what is printed above them, so only 20801 is off.
    assert {f.key for f in found} == {"20801"}


def test_functional_item_whose_section_is_missing_joins_its_class() -> None:
    table = functional(
        fn_row(None, "合计", (100, 100, 0)),
        fn_row("210", "卫生健康支出", (100, 100, 0)),
        fn_row("2101101", "行政单位医疗", (100, 100, 0)),
    )
    assert keys(filing(table), "arith.functional_sum") == []


# ------------------------------------------------------------------ arith.section_sum


def test_section_and_grand_total_of_project_table() -> None:
    good = project_list(
        subtotal("合计", "合计", 300, 200, -100),
        subtotal("一、一般公共预算", "一般公共预算", 300, 200, -100),
        item("甲", 100, 150, 50),
        item("乙", 200, 50, -150),
        subtotal("二、政府性基金预算", "政府性基金预算", None, None, None),
        unit="元",
    )
    assert keys(filing(good), "arith.section_sum") == []
    bad = project_list(
        subtotal("合计", "合计", 300, 200, -100),
        subtotal("一、一般公共预算", "一般公共预算", 300, 200, -100),
        item("甲", 100, 150, 50),
        item("乙", 200, 50, -153),
        unit="元",
    )
    found = findings(filing(bad), "arith.section_sum")
    assert [(f.key, f.cells) for f in found] == [("一般公共预算", ("change",))]
    assert "2 行" in found[0].message


def test_section_sum_in_transfer_table_and_items_without_section_field() -> None:
    rows = [
        subtotal("合计", "合计", 500, 0, -500),
        subtotal("一、一般公共预算", "一般公共预算", 400, 0, -400),
        item("甲", 400, None, -400, section=None),
        subtotal("五、单位其他资金", "单位其他资金", 100, 0, -100),
        item("乙", 100, None, -100, section=None),
    ]
    ok = project_list(*rows, kind="transfer_payment", unit="元")
    assert keys(filing(ok), "arith.section_sum") == []
    rows[0] = subtotal("合计", "合计", 600, 0, -600)
    bad = project_list(*rows, kind="transfer_payment", unit="元")
    found = findings(filing(bad), "arith.section_sum")
    assert [(f.table_kind, f.key, f.cells) for f in found] == [
        ("transfer_payment", "合计", ("initial",)),
        ("transfer_payment", "合计", ("change",)),
    ]


# ------------------------------------------------------------------ arith.summary_sum / balance


def _summary(income_total: int = 1600, expense_total: int = 1600) -> dict:
    return summary(
        ("income", "一、一般公共预算财政拨款收入", 1000, None, None),
        ("income", "二、政府性基金预算财政拨款收入", None, None, None),
        ("income", "九、其他收入", 400, None, None),
        ("income", "本年收入合计", 1400, None, None),
        ("income", "上年结转", 200, None, None),
        ("income", "收入总计", income_total, None, None),
        ("expense", "五、教育支出", 600, None, None),
        ("expense", "八、社会保障和就业支出", 1000, None, None),
        ("expense", "本年支出合计", 1600, None, None),
        ("expense", "结转下年", None, None, None),
        ("expense", "支出总计", expense_total, None, None),
    )


def test_summary_totals_follow_numbering_and_total_words() -> None:
    assert keys(filing(_summary()), "arith.summary_sum") == []
    assert keys(filing(_summary(income_total=1700)), "arith.summary_sum") == ["收入总计"]


def test_summary_numbered_line_over_its_sub_lines() -> None:
    table = summary(
        ("income", "一、财政拨款收入", 100, None, None),
        ("income", "(一)一般公共预算", 60, None, None),
        ("income", "(二)政府性基金预算", 30, None, None),
        ("income", "本年收入合计", 100, None, None),
    )
    assert keys(filing(table), "arith.summary_sum") == ["一、财政拨款收入"]


def test_summary_part_of_lines_are_not_summed() -> None:
    table = summary(
        ("income", "一、一般公共预算财政拨款收入", 100, None, None),
        ("income", "其中：上级补助", 40, None, None),
        ("income", "二、其他收入", 50, None, None),
        ("income", "本年收入合计", 150, None, None),
        ("income", "收入总计", 150, None, None),
    )
    assert keys(filing(table), "arith.summary_sum") == []


def test_grand_total_found_by_its_word_without_the_subtotal_flag() -> None:
    grand = subtotal("合计", "合计", 400)
    grand["subtotal"] = False
    table = project_list(grand, item("甲", 100), item("乙", 200), unit="元")
    [f] = findings(filing(table, stage="original"), "arith.section_sum")
    assert (f.key, f.printed, f.expected) == ("合计", Decimal("400.00"), Decimal("300.00"))


def test_balance_income_total_equals_expense_total() -> None:
    assert keys(filing(_summary()), "arith.balance") == []
    # Both totals wrong by the same amount: a sum_mismatch each, yet balanced.
    assert keys(filing(_summary(income_total=1700, expense_total=1700)), "arith.balance") == []


def test_balance_mismatch_reported_on_income_total() -> None:
    table = _summary(expense_total=1650)
    [f] = findings(filing(table), "arith.balance")
    assert (f.anomaly_class, f.key, f.cells) == ("balance_mismatch", "收入总计", ("initial",))
