"""Table kinds, department, year and stage from titles; row labels and code joining."""

from __future__ import annotations

import pytest

from filings.parsing.titles import (
    DEPARTMENT_PERFORMANCE,
    FUNCTIONAL,
    GRID,
    PROJECT,
    PROJECT_PERFORMANCE,
    SUMMARY,
    TRANSFER,
    clean_org,
    is_footer,
    is_placeholder,
    label_level,
    looks_like_title,
    majority,
    strip_numbering,
    title_facts,
    title_kind,
)


@pytest.mark.parametrize(
    "title, kind",
    [
        ("遵义市人力资源和社会保障局2024年部门预算调整部门收支总体情况批复表", SUMMARY),
        ("部门收支总体情况表", SUMMARY),
        ("2025年收支预算总表", SUMMARY),
        ("遵义市人力资源和社会保障局2024年部门预算调整一般公共预算支出批复表（功能分类科目）", FUNCTIONAL),
        ("一般公共预算支出表（功能分类科目）", FUNCTIONAL),
        ("某局2025年支出功能分类预算表", FUNCTIONAL),
        ("一般公共预算支出表", FUNCTIONAL),
        ("遵义市人力资源和社会保障局2024年部门预算调整项目支出批复表", PROJECT),
        ("项目支出表", PROJECT),
        ("遵义市人力资源和社会保障局2024年部门市级转移支付预算调整批复表", TRANSFER),
        ("遵义市人力资源和社会保障局2024年部门预算调整部门整体支出绩效目标批复表", DEPARTMENT_PERFORMANCE),
        ("遵义市就业局2024年部门预算调整项目支出绩效目标批复表", PROJECT_PERFORMANCE),
        ("项目支出绩效目标批复表", PROJECT_PERFORMANCE),
        ("一般公共预算基本支出表（经济分类科目）", GRID),
        ("一般公共预算“三公”经费支出表", GRID),
        ("财政拨款收支总体情况表", GRID),
        ("政府采购预算表", GRID),
    ],
)
def test_title_kind(title: str, kind: str) -> None:
    assert title_kind(title) == kind
    assert looks_like_title(title)


@pytest.mark.parametrize(
    "text",
    [
        "单位：万元",
        "注：1.本表填报预算部门在市本级列支的所有项目支出调整情况。",
        "考试考务经费",
        "第 3 页，共 16 页",
        "附表1",
    ],
)
def test_not_titles(text: str) -> None:
    assert not looks_like_title(text)


@pytest.mark.parametrize(
    "title, subtitle, org, year, adjustment",
    [
        (
            "遵义市人力资源和社会保障局2024年部门预算调整部门收支总体情况批复表",
            None,
            "遵义市人力资源和社会保障局",
            2024,
            True,
        ),
        ("遵义市就业局2024年部门预算调整项目支出绩效目标批复表", None, "遵义市就业局", 2024, True),
        ("项目支出绩效目标批复表", "(2025年度)", None, 2025, False),
        ("项目支出绩效目标批复表", "（2026年度）", None, 2026, False),
    ],
)
def test_title_facts(title: str, subtitle: str | None, org: str | None, year: int, adjustment: bool) -> None:
    facts = title_facts(title, subtitle)
    assert (facts.org, facts.year, facts.adjustment) == (org, year, adjustment)


@pytest.mark.parametrize(
    "printed, clean",
    [
        ("[164]黔南布依族苗族自治州人力资源和社会保障局", "黔南布依族苗族自治州人力资源和社会保障局"),
        ("遵义市人力资源和社会保障局[164]", "遵义市人力资源和社会保障局"),
        ("【208】毕节市人力资源和社会保障局", "毕节市人力资源和社会保障局"),
        ("遵义市人力资源和社会保障局", "遵义市人力资源和社会保障局"),
        ("", None),
    ],
)
def test_clean_org(printed: str, clean: str | None) -> None:
    assert clean_org(printed) == clean


def test_department_is_the_majority() -> None:
    assert (
        majority(["遵义市人力资源和社会保障局", "遵义市就业局", None, "遵义市人力资源和社会保障局"])
        == "遵义市人力资源和社会保障局"
    )
    assert majority([None, ""]) is None


@pytest.mark.parametrize(
    "label, level, name",
    [
        ("合计", "total", "合计"),
        ("一、一般公共预算", "section", "一般公共预算"),
        ("(一)考试考务经费", "item", "考试考务经费"),
        ("（十二）贫困地区脱贫培训补贴资金", "item", "贫困地区脱贫培训补贴资金"),
        ("(一) 考试考务经费", "item", "考试考务经费"),
        ("1.某某经费", "subitem", "某某经费"),
        ("2024年优秀村(社区)干部专项招聘考试经费", "plain", "2024年优秀村(社区)干部专项招聘考试经费"),
        ("96567人才服务热线", "plain", "96567人才服务热线"),
    ],
)
def test_labels(label: str, level: str, name: str) -> None:
    assert label_level(label) == level
    assert strip_numbering(label) == name


@pytest.mark.parametrize(
    "label, placeholder",
    [
        ("XXX项目", True),
        (".....", True),
        ("……", True),
        ("xx单位", True),
        ("考试考务经费", False),
        ("X射线设备购置", False),
        ("", False),
    ],
)
def test_placeholders(label: str, placeholder: bool) -> None:
    assert is_placeholder(label) == placeholder


@pytest.mark.parametrize("text", ["第 1 页，共 6 页", "第1页,共6页", "第 12 页"])
def test_footers(text: str) -> None:
    assert is_footer(text)


@pytest.mark.parametrize(
    "title, role",
    [
        ("2026年部门收入预算总表", "income_sources"),
        ("支出预算总表", "expense_split"),
        ("2026年部门财政拨款收支预算总表", "fiscal_summary"),
        ("财政拨款支出预算表（功能科目）", "fiscal_functional"),
        ("2026年部门一般公共预算基本支出部门预算经济分类预算表", "economic_basic"),
        ("“三公”经费、会议费、培训费支出预算表", "three_public"),
        ("一般公共预算机关运行经费支出预算表", "operating_costs"),
        ("2026年部门政府性基金预算支出功能分类预算表", "government_fund"),
        ("国有资本经营预算支出功能分类预算表", "state_capital"),
        ("2019年政府采购预算表", "procurement"),
        ("财政拨款“三公”经费支出决算表", "final_accounts"),
        ("某某情况表", "other"),
    ],
)
def test_grid_roles(title: str, role: str) -> None:
    from filings.parsing.titles import grid_role

    assert title_kind(title) == "grid"
    assert grid_role(title) == role


@pytest.mark.parametrize(
    "text",
    [
        "1.2026年部门财务收支预算总表……………………………………3",  # a 目录 entry
        "4．2026年部门财政拨款收支预算总表.........................7",
        "2026年“三公”经费预算数为10.81万元，比2025年预算持平。其中：",  # prose
        "七、财政拨款“三公”经费支出决算情况说明",  # a heading of the 说明
        "第二部分上海市普陀区规划和自然资源局2024年度部门决算",
    ],
)
def test_contents_prose_and_headings_are_not_titles(text: str) -> None:
    assert not looks_like_title(text)


@pytest.mark.parametrize(
    "title, kind",
    [
        ("2026年部门财务收支预算总表", SUMMARY),
        ("收支预算总表", SUMMARY),
        ("2026年部门一般公共预算支出功能分类预算表", FUNCTIONAL),
        ("一般公共预算支出预算表（功能科目）", FUNCTIONAL),
        ("2026年部门政府性基金预算支出功能分类预算表", "grid"),
        ("财政拨款支出预算表（功能科目）", "grid"),
        ("收入支出决算总表", "grid"),
    ],
)
def test_real_package_titles(title: str, kind: str) -> None:
    assert title_kind(title) == kind


@pytest.mark.parametrize(
    "name, ok",
    [
        ("上海市普陀区司法局", True),
        ("江苏省人大常委会办公厅", True),
        ("上海市普陀区人民政府办公室", True),
        ("遵义市人力资源和社会保障局[164]", True),
        ("1.", False),
        ("五、部门预算表……1.", False),
        ("第二部分上海市普陀区规划和自然资源局", False),
        ("三、", False),
        ("", False),
        ("单位：万元", False),
    ],
)
def test_valid_org(name: str, ok: bool) -> None:
    from filings.parsing.titles import valid_org

    assert (valid_org(name) is not None) == ok


def test_labelled_org_lines() -> None:
    from filings.parsing.titles import labelled_org

    assert labelled_org("编制部门：上海市普陀区司法局") == ("编制部门", "上海市普陀区司法局")
    assert labelled_org("预算主管部门：上海市普陀区司法局") == ("预算主管部门", "上海市普陀区司法局")
    assert labelled_org("部门：") == ("部门", "")
    assert labelled_org("单位：万元") is None
    assert labelled_org("2026年，上海市普陀区司法局收入预算9628.22万元") is None
