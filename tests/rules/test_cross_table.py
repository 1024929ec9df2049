"""Cross-table rules: one project's amount in the list, its target table and transfers."""

from __future__ import annotations

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

# ------------------------------------------------------------------ cross.project_targets


def test_project_amount_must_match_its_target_table() -> None:
    doc = filing(
        project_list(item("人力资源和社会保障事务专项资金", 2858800, 1675300, -1183500)),
        targets("人力资源和社会保障事务专项资金", 2858800, 1675200),
    )
    [f] = findings(doc, "cross.project_targets")
    # SCHEMA.md files it under the target table, keyed by the project.
    assert (f.anomaly_class, f.table_kind, f.table_index, f.key) == (
        "cross_table_mismatch",
        "project_performance",
        1,
        "人力资源和社会保障事务专项资金",
    )
    assert f.cells == ("funds.adjusted.total",)
    assert "167.53 万元" in f.message and "167.52 万元" in f.message


def test_finer_figure_is_rounded_to_the_coarser_step_before_comparing() -> None:
    # 8.5684 万元 in the target table is 8.57 once rounded: they agree.
    doc = filing(
        project_list(item("人才博览会考试经费", None, 85700, 85700)),
        targets("人才博览会考试经费", 0, 85684),
    )
    assert keys(doc, "cross.project_targets") == []


def test_units_differ_between_tables() -> None:
    # 7,233,149 元 printed in yuan agrees with 723.31 万元; 7,233,151 does not.
    ok = filing(project_list(item("甲", 7233100, 7233100, 0)), targets("甲", 7233149, 7233149, unit="元"))
    bad = filing(project_list(item("甲", 7233100, 7233100, 0)), targets("甲", 7233151, 7233100, unit="元"))
    assert keys(ok, "cross.project_targets") == []
    assert keys(bad, "cross.project_targets") == ["甲"]


def test_names_match_across_bracket_quote_and_space_forms() -> None:
    doc = filing(
        project_list(
            item("2024年优秀村(社区)干部 专项招聘考试经费", None, 110000, 110000),
            item('"三支一扶"人员补助资金', 100000, 100000, 0),
        ),
        targets("2024年优秀村（社区）干部专项招聘考试经费", 0, 1878700),
        targets("“三支一扶”人员补助资金", 100000, 100000),
    )
    assert keys(doc, "cross.project_targets") == ["2024年优秀村（社区）干部专项招聘考试经费"]


def test_distinct_names_are_not_merged() -> None:
    # "…资金" and "…资金项目" are two projects in real filings.
    doc = filing(
        project_list(item("预估单位其他资金", 200000, 200000, 0)), targets("预估单位其他资金项目", 50000, 0)
    )
    assert keys(doc, "cross.project_targets") == []


def test_repeated_names_pair_in_printed_order() -> None:
    doc = filing(
        project_list(
            item("预估其他资金", 20000000, 5948900, -14051100),
            item("预估其他资金", 20000000, None, -20000000),
        ),
        targets("预估其他资金", 20000000, 20271300),
        targets("预估其他资金", 20000000, 0),
    )
    found = findings(doc, "cross.project_targets")
    assert [f.table_index for f in found] == [1]


def test_original_filing_compares_only_the_initial_column() -> None:
    doc = filing(project_list(item("甲", 100000)), targets("甲", 100000, "none", unit="元"), stage="original")
    assert keys(doc, "cross.project_targets") == []


# ------------------------------------------------------------------ cross.transfer_*


def _transfer(*rows: dict) -> dict:
    return project_list(subtotal("合计", "合计", None), *rows, kind="transfer_payment")


def test_transfer_amount_must_match_the_project_list() -> None:
    listed = project_list(
        item("中央财政就业补助资金(2024提前)", 33060000, 3400000, -29660000),
        item("贫困地区脱贫培训补贴资金", 5300000, 0, -5300000),
    )
    ok = filing(
        listed,
        _transfer(
            item("中央财政就业补助资金（2024提前）", 33060000, 3400000, -29660000),
            item("贫困地区脱贫培训补贴资金", 5300000, None, -5300000),
        ),
    )
    bad = filing(listed, _transfer(item("中央财政就业补助资金（2024提前）", 33060000, 3500000, -29560000)))
    assert keys(ok, "cross.transfer_project") == []
    [f] = findings(bad, "cross.transfer_project")
    assert (f.table_kind, f.key, f.row_index) == ("transfer_payment", "中央财政就业补助资金（2024提前）", 1)


def test_transfer_checked_against_targets_only_when_not_listed() -> None:
    transfer = _transfer(item("三支一扶补助资金（2023第二批）", 1630000, None, -1630000))
    ok = filing(transfer, targets("三支一扶补助资金（2023第二批）", 1630000, 0))
    bad = filing(transfer, targets("三支一扶补助资金（2023第二批）", 1640000, 0))
    assert keys(ok, "cross.transfer_targets") == []
    assert [(f.table_kind, f.key) for f in findings(bad, "cross.transfer_targets")] == [
        ("project_performance", "三支一扶补助资金（2023第二批）")
    ]
    listed = filing(
        project_list(item("三支一扶补助资金（2023第二批）", 1640000, 0, -1640000)),
        transfer,
        targets("三支一扶补助资金（2023第二批）", 1640000, 0),
    )
    assert keys(listed, "cross.transfer_targets") == []


# ------------------------------------------------------------------ cross.department_funds


def _whole_filing(dept_basic: int) -> dict:
    return filing(
        summary(
            ("income", "一、一般公共预算财政拨款收入", 1500000, None, None),
            ("income", "收入总计", 1523449.99, None, None),
            ("expense", "支出总计", 1523449.99, None, None),
        ),
        functional(fn_row(None, "合计", (1000000, 400049, 599951))),
        department((1523400, dept_basic, 600000), None, other=523400),
    )


def test_department_funds_agree_with_summary_and_functional_totals() -> None:
    assert keys(_whole_filing(400000), "cross.department_funds") == []
    [f] = findings(_whole_filing(410000), "cross.department_funds")
    # Not one project's amount, so a warning of its own, not cross_table_mismatch.
    assert (f.anomaly_class, f.severity, f.key) == ("department_funds_mismatch", "warning", "部门整体")
    assert f.cells == ("funds.initial.basic",)


# ------------------------------------------------------------------ cross.unlisted_targets


def test_target_table_whose_project_is_not_listed_names_the_closest() -> None:
    doc = filing(
        project_list(
            item("技工学校学生资助资金", 3007400, 2350300, -657100),
            item("高校毕业生三支一扶计划省级补助资金", 1630000, 0, -1630000),
            item("考试考务经费", 100, 100, 0),
        ),
        targets("技工院校学生资助资金", 3007400, 2350300),
        targets("高校毕业生三支一扶计划省级补助资金（2023第二批）", 1630000, 0),
        targets("考试考务经费", 100, 100),
        targets("完全不同的项目", 1, 1),
    )
    found = findings(doc, "cross.unlisted_targets")
    assert [(f.anomaly_class, f.severity, f.key, f.expected) for f in found] == [
        ("target_table_unlisted", "info", "技工院校学生资助资金", "技工学校学生资助资金"),
        (
            "target_table_unlisted",
            "info",
            "高校毕业生三支一扶计划省级补助资金（2023第二批）",
            "高校毕业生三支一扶计划省级补助资金",
        ),
        ("target_table_unlisted", "info", "完全不同的项目", None),
    ]


def test_no_project_list_means_nothing_to_miss() -> None:
    doc = filing(targets("甲"), stage="original")
    assert keys(doc, "cross.unlisted_targets") == []
