"""Grid rules: row sums by code, group, numbering and total words; column sums by header path; two sides."""

from __future__ import annotations

from decimal import Decimal

from review.rules import run_rules, to_anomalies_json

from .factories import filing, findings, keys
from .package_factories import THREE_PUBLIC_COLUMNS, grid, row

ECON = ["金额"]


def economic(*rows: dict, unit: str = "元") -> dict:
    return filing(grid("economic_basic", ECON, *rows, unit=unit), stage="original")


# ------------------------------------------------------------------ grid.row_sum


def test_an_economic_code_is_the_sum_of_the_codes_under_it() -> None:
    good = economic(
        row("合计", "300.00"),
        row("工资福利支出", "300.00", code="301"),
        row("基本工资", "100.00", code="30101"),
        row("津贴补贴", "200.00", code="30102"),
    )
    assert findings(good, "grid.row_sum") == []
    bad = economic(
        row("合计", "310.00"),
        row("工资福利支出", "310.00", code="301"),
        row("基本工资", "100.00", code="30101"),
        row("津贴补贴", "200.00", code="30102", page=7),
    )
    [f] = findings(bad, "grid.row_sum")
    assert (f.anomaly_class, f.table_kind, f.key, f.row_index) == (
        "sum_mismatch",
        "grid:economic_basic",
        "301",
        1,
    )
    assert f.cells == ("values.金额",)
    assert (f.printed, f.expected) == (Decimal("310.00"), Decimal("300.00"))
    assert "印为 310.00 元" in f.message and "合计为 300.00 元" in f.message and "第 1 页" in f.message


def test_a_functional_item_counts_under_its_class_when_its_kuan_is_not_printed() -> None:
    doc = filing(
        grid(
            "fiscal_functional",
            ECON,
            row("一般公共服务支出", "300.00", code="201"),
            row("行政运行", "100.00", code="2010301"),
            row("一般行政管理事务", "250.00", code="2010302"),
            row("合计", "300.00"),
        )
    )
    assert keys(doc, "grid.row_sum") == ["201"]


def test_a_total_printed_first_covers_the_whole_table() -> None:
    ok = economic(
        row("合计", "300.00"),
        row("工资福利支出", "100.00", code="301"),
        row("商品和服务支出", "200.00", code="302"),
    )
    bad = economic(
        row("合计", "303.00"),
        row("工资福利支出", "100.00", code="301"),
        row("商品和服务支出", "200.00", code="302"),
    )
    assert keys(ok, "grid.row_sum") == []
    assert keys(bad, "grid.row_sum") == ["合计"]


def test_group_subtotals_add_their_group_and_count_once_in_the_total() -> None:
    rows = [
        row("收入总计", "300.00"),
        row("一般公共预算资金/小计", "200.00"),
        row("一般公共预算资金/公共财政拨款(补助)资金", "150.00"),
        row("一般公共预算资金/专项收入", "50.00"),
        row("上年结转和结余资金/小计", "100.00"),
        row("上年结转和结余资金/其中：动用上年结转和结余资金", "100.00"),
    ]
    ok = filing(grid("income_sources", ECON, *rows))
    assert keys(ok, "grid.row_sum") == []
    rows[3] = row("一般公共预算资金/专项收入", "60.00")
    bad = filing(grid("income_sources", ECON, *rows))
    assert keys(bad, "grid.row_sum") == ["一般公共预算资金/小计"]


def test_a_subtotal_closes_a_run_and_is_one_item_of_the_total_after_it() -> None:
    # 收支总表 of a Jiangsu package: 当年收入小计 + 上年结转资金 = 收入合计, never 2 × 小计.
    rows = [
        row("一、财政拨款", "100.00", side="income"),
        row("1.一般公共预算", "100.00", side="income"),
        row("2.政府性基金预算", None, side="income"),
        row("二、其他资金", "20.00", side="income"),
        row("当年收入小计", "120.00", side="income"),
        row("上年结转资金", "30.00", side="income"),
        row("收入合计", "150.00", side="income"),
    ]
    doc = filing(grid("summary", ["收入/金额"], *rows))
    assert keys(doc, "grid.row_sum") == []
    rows[5] = row("上年结转资金", "40.00", side="income")
    assert keys(filing(grid("summary", ["收入/金额"], *rows)), "grid.row_sum") == ["收入合计"]


def test_restarted_numbering_is_a_second_breakdown_of_the_same_total() -> None:
    rows = [
        row("一、一般公共服务支出", "80.00"),
        row("二、社会保障和就业支出", "20.00"),
        row("一、基本支出", "60.00"),
        row("二、项目支出", "40.00"),
        row("当年支出小计", "100.00"),
    ]
    assert keys(filing(grid("summary", ECON, *rows)), "grid.row_sum") == []
    rows[3] = row("二、项目支出", "45.00")
    [f] = findings(filing(grid("summary", ECON, *rows)), "grid.row_sum")
    assert f.key == "当年支出小计" and f.expected == Decimal("105.00")


def test_numbering_restarting_under_an_unnumbered_line_breaks_that_line_down() -> None:
    # 财政拨款收入支出决算总表: 年初财政拨款结转和结余 then 一、二、三、 again; 总计 = 合计 + 结转.
    rows = [
        row("一、一般公共预算财政拨款", "90.50"),
        row("二、政府性基金预算财政拨款", "10.00"),
        row("本年收入合计", "100.50"),
        row("年初财政拨款结转和结余", "5.50"),
        row("一、一般公共预算财政拨款", "5.50"),
        row("二、政府性基金预算财政拨款", None),
        row("总计", "106.00"),
    ]
    assert keys(filing(grid("final_accounts", ECON, *rows)), "grid.row_sum") == []
    rows[4] = row("一、一般公共预算财政拨款", "4.50")
    assert keys(filing(grid("final_accounts", ECON, *rows)), "grid.row_sum") == ["年初财政拨款结转和结余"]


def test_same_rank_totals_cover_their_own_runs() -> None:
    # 基本支出决算表: 人员经费合计 = 301 + 303, 公用经费合计 = 302 + 310.
    rows = [
        row("工资福利支出", "100.00", code="301"),
        row("对个人和家庭的补助", "10.00", code="303"),
        row("人员经费合计", "110.00"),
        row("商品和服务支出", "20.00", code="302"),
        row("资本性支出", "5.00", code="310"),
        row("公用经费合计", "25.00"),
    ]
    assert keys(filing(grid("final_accounts", ECON, *rows)), "grid.row_sum") == []
    rows[5] = row("公用经费合计", "135.00")
    assert keys(filing(grid("final_accounts", ECON, *rows)), "grid.row_sum") == ["公用经费合计"]


def test_part_of_lines_are_never_summed() -> None:
    doc = filing(
        grid(
            "three_public",
            ECON,
            row("合计", "30.00"),
            row("1.因公出国（境）费", "10.00"),
            row("2.公务用车购置及运行费", "15.00"),
            row("其中：公务用车购置费", "5.00"),
            row("3.公务接待费", "5.00"),
        )
    )
    assert keys(doc, "grid.row_sum") == []


def test_unnumbered_lines_under_a_numbered_one_may_be_its_parts() -> None:
    # 政府采购: 一、货物 then its items without numbering; 合计 = 一、 + 三、 holds.
    doc = filing(
        grid(
            "procurement",
            ["采购品目", "总计"],
            row("合计", "合计", "300.00"),
            row("一、货物A", "一、货物A", "100.00"),
            row("办公设备购置费", None, "100.00"),
            row("三、服务C", "三、服务C", "200.00"),
            row("会议服务", None, "200.00"),
        )
    )
    assert keys(doc, "grid.row_sum") == []


def test_whole_yuan_tables_allow_one_yuan_per_part() -> None:
    # A real package: 94,995,790 against 77,381,546 + 17,614,243 (= 94,995,789) is rounding.
    ok = economic(
        row("工资福利支出", 77381546, code="301"),
        row("商品和服务支出", 17614243, code="302"),
        row("合计", 94995790),
    )
    assert keys(ok, "grid.row_sum") == []
    off = economic(
        row("工资福利支出", 77381546, code="301"),
        row("商品和服务支出", 17614243, code="302"),
        row("合计", 94995792),
    )
    assert keys(off, "grid.row_sum") == ["合计"]
    # With two decimals printed, the step is a cent: 0.02 over two parts, 0.03 is a finding.
    cents = economic(
        row("工资福利支出", "100.10", code="301"),
        row("商品和服务支出", "200.00", code="302"),
        row("合计", "300.13"),
    )
    assert keys(cents, "grid.row_sum") == ["合计"]
    cents["tables"][0]["rows"][2]["values"]["金额"] = "300.12"
    assert keys(cents, "grid.row_sum") == []


def test_wan_yuan_tables_allow_a_hundred_yuan_per_part() -> None:
    ok = economic(
        row("合计", 300200),
        row("工资福利支出", 100000, code="301"),
        row("商品和服务支出", 200000, code="302"),
        unit="万元",
    )
    bad = economic(
        row("合计", 300300),
        row("工资福利支出", 100000, code="301"),
        row("商品和服务支出", 200000, code="302"),
        unit="万元",
    )
    assert keys(ok, "grid.row_sum") == []
    [f] = findings(bad, "grid.row_sum")
    assert "30.03 万元" in f.message and "30.00 万元" in f.message


def test_text_columns_are_not_summed() -> None:
    doc = filing(
        grid(
            "procurement",
            ["经济科目", "金额"],
            row("合计", None, "100.00"),
            row("办公费", "30201", "100.00"),
            row("印刷费", "30202", None),
        )
    )
    assert keys(doc, "grid.row_sum") == []


# ------------------------------------------------------------------ grid.column_sum

THREE = THREE_PUBLIC_COLUMNS


def test_three_public_total_is_its_parts_with_the_car_group_by_its_subtotal() -> None:
    ok = filing(
        grid("three_public", THREE, row(None, 30000, 10000, 5000, 15000, None, 15000, 999900), unit="万元")
    )
    assert findings(ok, "grid.column_sum") == []
    bad_total = filing(
        grid("three_public", THREE, row(None, 40000, 10000, 5000, 15000, None, 15000, 0), unit="万元")
    )
    [f] = findings(bad_total, "grid.column_sum")
    assert (f.anomaly_class, f.table_kind, f.key) == ("sum_mismatch", "grid:three_public", "")
    assert f.cells[0] == "values.“三公”经费预算数/合计" and len(f.cells) == 4
    assert "因公出国(境)费 1.00 + 公务接待费 0.50 + 公务用车购置及运行费/小计 1.50 = 3.00 万元" in f.message
    bad_car = filing(
        grid("three_public", THREE, row(None, 30000, 10000, 5000, 15000, 1000, 15000, 0), unit="万元")
    )
    [f] = findings(bad_car, "grid.column_sum")
    assert f.cells[0] == "values.“三公”经费预算数/公务用车购置及运行费/小计"


def test_a_total_with_columns_below_it_adds_its_siblings_same_column() -> None:
    cols = [
        "财政拨款“三公”经费/合计/预算数",
        "财政拨款“三公”经费/合计/决算数",
        "财政拨款“三公”经费/因公出国（境）费/预算数",
        "财政拨款“三公”经费/因公出国（境）费/决算数",
        "财政拨款“三公”经费/公务接待费/预算数",
        "财政拨款“三公”经费/公务接待费/决算数",
    ]
    ok = filing(grid("final_accounts", cols, row(None, 300, 250, 100, 50, 200, 200)))
    bad = filing(grid("final_accounts", cols, row(None, 300, 260, 100, 50, 200, 200)))
    assert findings(ok, "grid.column_sum") == []
    [f] = findings(bad, "grid.column_sum")
    assert f.cells == (
        "values.财政拨款“三公”经费/合计/决算数",
        "values.财政拨款“三公”经费/因公出国（境）费/决算数",
        "values.财政拨款“三公”经费/公务接待费/决算数",
    )


def test_a_total_column_on_every_row_and_other_paths_left_alone() -> None:
    cols = ["支出预算/合计", "支出预算/基本支出", "支出预算/项目支出", "上年结转"]
    doc = filing(
        grid(
            "expense_split",
            cols,
            row("一般公共服务支出", "300.00", "100.00", "200.00", "999.00", code="201"),
            row("行政运行", "100.00", "100.00", None, None, code="2010101"),
            row("一般行政管理事务", "200.00", None, "250.00", None, code="2010102"),
        )
    )
    assert keys(doc, "grid.column_sum") == ["2010102"]


# ------------------------------------------------------------------ grid.balance

FISCAL = ["收入/金额", "支出/合计", "支出/一般公共预算"]


def test_two_sided_grid_income_total_equals_expense_total() -> None:
    rows = [
        row("一、一般公共预算", "100.00", side="income"),
        row("收入总计", "100.00", side="income"),
        row("一、一般公共服务支出", None, "100.00", "100.00", side="expense"),
        row("支出总计", None, "100.00", "100.00", side="expense"),
    ]
    assert findings(filing(grid("fiscal_summary", FISCAL, *rows)), "grid.balance") == []
    rows[3] = row("支出总计", None, "90.00", "90.00", side="expense")
    [f] = findings(filing(grid("fiscal_summary", FISCAL, *rows)), "grid.balance")
    assert (f.anomaly_class, f.table_kind, f.key, f.cells) == (
        "balance_mismatch",
        "grid:fiscal_summary",
        "收入总计",
        ("values.收入/金额",),
    )
    assert "100.00 元" in f.message and "90.00 元" in f.message


def test_balance_needs_the_same_closing_word_on_both_sides() -> None:
    # 本年收入合计 is not compared with 支出总计.
    rows = [
        row("一、一般公共预算", "100.00", side="income"),
        row("本年收入合计", "100.00", side="income"),
        row("一、一般公共服务支出", None, "120.00", "120.00", side="expense"),
        row("支出总计", None, "120.00", "120.00", side="expense"),
    ]
    assert findings(filing(grid("fiscal_summary", FISCAL, *rows)), "grid.balance") == []


def test_grid_findings_are_named_by_role_in_the_report() -> None:
    doc = economic(row("合计", "310.00"), row("工资福利支出", "300.00", code="301"))
    report = to_anomalies_json(run_rules(doc))
    assert ("sum_mismatch", "grid:economic_basic", "合计") in {
        (a["class"], a["table"], a["key"]) for a in report["anomalies"]
    }


def test_columns_printed_beside_the_three_public_may_be_in_or_out_of_its_total() -> None:
    cols = [
        "合计",
        "因公出国(境)费",
        "公务接待费",
        "公务用车购置及运行费/小计",
        "公务用车购置及运行费/运行费",
        "机关运行经费",
    ]
    outside = filing(
        grid("three_public", cols, row(None, 30000, 10000, 5000, 15000, 15000, 990000), unit="万元")
    )
    assert findings(outside, "grid.column_sum") == []
    inside = filing(
        grid("three_public", cols, row(None, 1020000, 10000, 5000, 15000, 15000, 990000), unit="万元")
    )
    assert findings(inside, "grid.column_sum") == []
    wrong = filing(
        grid("three_public", cols, row(None, 40000, 10000, 5000, 15000, 15000, 990000), unit="万元")
    )
    assert len(findings(wrong, "grid.column_sum")) == 1


def test_a_line_printed_blank_over_its_parts_is_a_heading() -> None:
    # 财政拨款收支总表 (财政部 template): 一、本年收入 left blank over （一）（二）; 总计 adds them.
    rows = [
        row("一、本年收入", None, side="income"),
        row("（一）一般公共预算拨款", "90.50", side="income"),
        row("（二）政府性基金预算拨款", "10.00", side="income"),
        row("二、上年结转", "5.50", side="income"),
        row("收入总计", "106.00", side="income"),
    ]
    assert keys(filing(grid("fiscal_summary", ["收入/金额"], *rows)), "grid.row_sum") == []
    rows[2] = row("（二）政府性基金预算拨款", "11.00", side="income")
    assert keys(filing(grid("fiscal_summary", ["收入/金额"], *rows)), "grid.row_sum") == ["收入总计"]


def test_a_code_printed_again_for_its_projects_counts_once() -> None:
    doc = filing(
        grid(
            "project_list",
            ["金额"],
            row("行政运行", "300.00", code="2010301"),
            row("办公楼维修", "100.00", code="2010301"),
            row("信息化运维", "200.00", code="2010301"),
            row("合计", "300.00"),
        )
    )
    assert keys(doc, "grid.row_sum") == []


def test_a_side_printed_in_columns_without_a_total_balances_by_their_sum() -> None:
    cols = ["收入/金额", "支出/一般公共预算", "支出/政府性基金预算"]
    rows = [
        row("一、一般公共预算", "100.00", side="income"),
        row("二、政府性基金预算", "20.00", side="income"),
        row("收入总计", "120.00", side="income"),
        row("一、一般公共服务支出", None, "100.00", "20.00", side="expense"),
        row("支出总计", None, "100.00", "20.00", side="expense"),
    ]
    assert findings(filing(grid("fiscal_summary", cols, *rows)), "grid.balance") == []
    rows[2] = row("收入总计", "130.00", side="income")
    rows[1] = row("二、政府性基金预算", "30.00", side="income")
    assert keys(filing(grid("fiscal_summary", cols, *rows)), "grid.balance") == ["收入总计"]
