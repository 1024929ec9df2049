"""Indicator rules on the project target tables (and the department table)."""

from __future__ import annotations

from decimal import Decimal

from .factories import complete, department, filing, findings, indicator, keys, targets


def _replace(indicators: list[dict], level2: str, new: dict) -> list[dict]:
    return [new if i["level2"] == level2 else i for i in indicators]


# ------------------------------------------------------------------ ind.missing_kind


def test_missing_output_kind_on_one_side() -> None:
    rows = [i for i in complete() if i["level2"] != "时效"]
    doc = filing(targets("技工院校学生资助资金", indicators=rows))
    found = findings(doc, "ind.missing_kind")
    assert [(f.anomaly_class, f.key, f.cells) for f in found] == [
        ("missing_indicator", "技工院校学生资助资金", ("indicators.initial",)),
        ("missing_indicator", "技工院校学生资助资金", ("indicators.adjusted",)),
    ]
    assert "产出/时效" in found[0].message


def test_kind_read_from_level2_with_or_without_suffix() -> None:
    rows = complete()
    for row in rows:
        row["level1"] += "指标"
        row["level2"] += "指标"
    assert keys(filing(targets("甲", indicators=rows)), "ind.missing_kind") == []


def test_a_quantity_filed_under_quality_does_not_count_as_quantity() -> None:
    rows = complete(initial=False)
    rows[0]["level2"] = "质量"
    doc = filing(targets("甲", 0, 1000000, indicators=rows))
    [f] = findings(doc, "ind.missing_kind")
    assert "产出/数量" in f.message and f.cells == ("indicators.adjusted",)


def test_side_without_any_indicator_is_not_judged() -> None:
    doc = filing(targets("春节慰问费", 0, 51700, indicators=complete(initial=False)))
    assert keys(doc, "ind.missing_kind") == []


# ------------------------------------------------------------------ ind.cost_cap


def test_cost_cap_above_funds() -> None:
    rows = _replace(complete(), "成本", indicator("产出", "成本", ("项目实施成本", "≤20.25万元"), None))
    doc = filing(
        targets("三支一扶人员教育经费", 200000, "none", unit="元", indicators=rows), stage="original"
    )
    [f] = findings(doc, "ind.cost_cap")
    assert (f.anomaly_class, f.key, f.row_index) == ("cost_exceeds_funds", "三支一扶人员教育经费", 3)
    assert f.printed == Decimal("202500.00") and f.expected == Decimal("200000.00")


def test_cost_cap_equal_to_funds_or_per_unit_or_not_a_cap_is_fine() -> None:
    rows = complete() + [
        indicator("产出", "成本", ("项目总成本", "≤180万元"), ("项目总成本", "≤136.9万元")),
        indicator("产出", "成本", ("人均标准", "≤6000元/人"), ("人均标准", "≤6000元/人")),
        indicator("产出", "成本", ("培训补贴", "1000元左右"), ("培训补贴", "按文件规定")),
    ]
    doc = filing(targets("甲", 1800000, 1369000, indicators=rows))
    assert keys(doc, "ind.cost_cap") == []


def test_cost_cap_beyond_what_the_printed_funds_can_stand_for() -> None:
    # 2027.13 万元 stands for at most 20,271,349.99 元; a cap of 20,271,356.36 is over.
    over = [
        indicator("产出", "成本", ("代收代付总金额", "≤20000000元"), ("代收代付总金额", "≤20271356.36元"))
    ]
    within = [indicator("产出", "成本", ("代收代付总金额", "≤20000000元"), ("代收代付总金额", "≤20271349元"))]
    assert keys(filing(targets("甲", 20000000, 20271300, indicators=complete() + over)), "ind.cost_cap") == [
        "甲"
    ]
    assert (
        keys(filing(targets("甲", 20000000, 20271300, indicators=complete() + within)), "ind.cost_cap") == []
    )


def test_cost_cap_read_in_every_unit_and_wording() -> None:
    # 200000 元 of funds; each of these caps says more than that.
    for cap in ("≤250千元", "不超过25万元", "≦0.0025亿元", "25万元以内", "<=210000元"):
        rows = _replace(complete(), "成本", indicator("产出", "成本", ("项目成本", cap), None))
        doc = filing(targets("甲", 200000, "none", unit="元", indicators=rows), stage="original")
        [f] = findings(doc, "ind.cost_cap")
        assert f.printed is not None and f.printed > Decimal(200000), cap
    for within in ("≤200千元", "不高于20万元", "≥250千元", "250千元左右"):
        rows = _replace(complete(), "成本", indicator("产出", "成本", ("项目成本", within), None))
        doc = filing(targets("甲", 200000, "none", unit="元", indicators=rows), stage="original")
        assert keys(doc, "ind.cost_cap") == [], within


# ------------------------------------------------------------------ ind.targets_without_funds


def test_funds_cut_to_zero_while_quantity_targets_stay() -> None:
    rows = _replace(
        complete(), "数量", indicator("产出", "数量", ("在岗人数", "193人"), ("在岗人数", "193人"))
    )
    doc = filing(targets("三支一扶补助资金", 1630000, 0, indicators=rows))
    [f] = findings(doc, "ind.targets_without_funds")
    assert (f.anomaly_class, f.key, f.cells[1]) == (
        "targets_without_funds",
        "三支一扶补助资金",
        "funds.adjusted.total",
    )


def test_zero_funds_with_zero_quantities_or_funds_present_is_fine() -> None:
    zeroed = _replace(complete(), "数量", indicator("产出", "数量", ("站点数", "≥1个"), ("站点数", "≥0个")))
    assert keys(filing(targets("甲", 100000, 0, indicators=zeroed)), "ind.targets_without_funds") == []
    assert keys(filing(targets("乙", 100000, 100000)), "ind.targets_without_funds") == []


# ------------------------------------------------------------------ ind.rate_over_100


def test_rate_above_100_percent() -> None:
    rows = complete() + [indicator("产出", "质量", ("应受助学生比例", "=110%"), None)]
    [f] = findings(filing(targets("甲", indicators=rows)), "ind.rate_over_100")
    assert (f.anomaly_class, f.printed) == ("indicator_value_invalid", "=110%")


def test_rate_above_100_percent_in_other_spellings() -> None:
    for value in ("≧110%", "不低于105%", "达到120％", "110%以上"):
        rows = complete() + [indicator("产出", "质量", ("应受助学生比例", value), None)]
        assert keys(filing(targets("甲", indicators=rows)), "ind.rate_over_100") == ["甲"], value


def test_rates_that_can_hold() -> None:
    rows = complete() + [
        indicator("产出", "质量", ("发放准确率", "≥100%"), ("发放准确率", "=100%")),
        indicator("效益", "经济效益", ("收入增长率", "≥150%"), None),
        indicator("产出", "质量", ("超支率", "≤120%"), None),
    ]
    assert keys(filing(targets("甲", indicators=rows)), "ind.rate_over_100") == []


# ------------------------------------------------------------------ ind.placeholder


def test_template_placeholders_and_empty_values() -> None:
    rows = [
        indicator("产出", "数量", ("数量1", None), ("单位高层次人才人员数", "1人")),
        indicator("产出", "质量", ("质量1", ""), ("足额发放", "100%")),
        indicator("满意度", "服务对象满意度", ("学员满意度", "XXX"), ("满意度", "≥95%")),
    ]
    found = findings(filing(targets("人才专项项目", None, 6000, indicators=rows)), "ind.placeholder")
    assert [(f.key, f.row_index, f.cells[0]) for f in found] == [
        ("人才专项项目", 0, "initial.name"),
        ("人才专项项目", 1, "initial.name"),
        ("人才专项项目", 2, "initial.name"),
    ]
    assert all(f.anomaly_class == "indicator_value_invalid" for f in found)


def test_placeholder_value_with_operator_and_unit() -> None:
    rows = complete() + [indicator("产出", "质量", ("合格率", "≥XX%"), ("合格率", "≥95%"))]
    [f] = findings(filing(targets("甲", indicators=rows)), "ind.placeholder")
    assert (f.row_index, f.printed) == (6, "≥XX%")


def test_filled_indicators_are_fine() -> None:
    rows = complete() + [indicator("满意度", "服务对象满意度", ("服务对象满意度", "≥90%"), None)]
    assert keys(filing(targets("甲", indicators=rows)), "ind.placeholder") == []


# ------------------------------------------------------------------ ind.goal_placeholder


def test_goal_left_as_template() -> None:
    for goal in ("目标1:目标2:目标3:", "目标1：目标2：目标3：.....", "目标1:"):
        doc = filing(targets("甲", goals={"initial": goal, "adjusted": "完成培训"}))
        [f] = findings(doc, "ind.goal_placeholder")
        assert (f.anomaly_class, f.cells) == ("indicator_value_invalid", ("goals.initial",))


def test_written_or_blank_goals_are_fine() -> None:
    doc = filing(targets("甲", goals={"initial": "目标1:完成考试工作。", "adjusted": None}))
    assert keys(doc, "ind.goal_placeholder") == []


# ------------------------------------------------------------------ ind.stale_deadline


def test_deadline_before_the_budget_year() -> None:
    cases = [
        ("2023年12月前各项工作完成率", "≥90%"),
        ("完成时间", "2023年12月31日前"),
        ("发放时间", "2023年底前"),
        ("支出时间", "≤2023年末"),
        ("完成年度", "=2023年度"),
        ("完成时间", "2023.12.31前"),
        ("完成时间", "不晚于2023年6月"),
    ]
    for name, value in cases:
        rows = _replace(complete(), "时效", indicator("产出", "时效", (name, value), None))
        [f] = findings(filing(targets("甲", indicators=rows), year=2024), "ind.stale_deadline")
        assert (f.anomaly_class, f.key) == ("stale_deadline", "甲"), name


def test_deadlines_inside_or_after_the_budget_year_are_fine() -> None:
    rows = [
        indicator("产出", "时效", (name, value), None)
        for name, value in [
            ("2024年1-6月各项工作任务完成率达到", "≥55%"),
            ("完成时间", "2024年12月底前"),
            ("完成年度", "=2024年度"),
            ("计划于2025年12月建成投用率", "≥90%"),
            ("资金在规定时间内下达率", "≥95%"),
            ("完成时间", "12月底前"),
            ("完成时间", "本年底前"),
            ("完成时间", "2024.12.31前"),
        ]
    ]
    assert keys(filing(targets("甲", indicators=rows), year=2024), "ind.stale_deadline") == []


def test_stale_deadline_in_the_department_table() -> None:
    rows = [indicator("产出指标", "时效指标", ("完成时间", "2023年底前"), None)]
    doc = filing(department((100, 50, 50), None, indicators=rows), year=2024)
    assert keys(doc, "ind.stale_deadline") == ["部门整体"]


def test_deadline_outside_a_timeliness_indicator_is_not_judged() -> None:
    rows = [indicator("产出", "数量", ("2023年结转项目数", "≥1个"), None)]
    assert keys(filing(targets("甲", indicators=rows), year=2024), "ind.stale_deadline") == []


# ------------------------------------------------------------------ warnings of our own


def test_quantity_target_changed_more_than_twofold() -> None:
    rows = [
        indicator(
            "产出指标", "数量指标", ("开展就业招聘活动场次", "≥760次"), ("开展就业招聘活动场次", "≥11次")
        ),
        indicator(
            "产出指标",
            "数量指标",
            ("开展社保政策宣传活动次数", "≥20次"),
            ("开展社保政策宣传活动次数", "≥30次"),
        ),
    ]
    found = findings(
        filing(department((100, 50, 50), (100, 50, 50), indicators=rows)), "ind.target_change_large"
    )
    assert [(f.anomaly_class, f.severity, f.key, f.row_index) for f in found] == [
        ("target_change_large", "warning", "部门整体", 0)
    ]


def test_funds_cut_while_targets_raised() -> None:
    rows = complete() + [
        indicator("产出", "数量", ("工伤鉴定人数", "≥3932人次"), ("工伤鉴定人数", "≥5000人次"))
    ]
    cut = filing(targets("甲", 2858800, 1675200, indicators=rows))
    raised = filing(targets("甲", 2858800, 2958800, indicators=rows))
    [f] = findings(cut, "ind.funds_cut_targets_raised")
    assert (f.anomaly_class, f.severity) == ("funds_cut_targets_raised", "warning")
    assert keys(raised, "ind.funds_cut_targets_raised") == []
