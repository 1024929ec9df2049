"""Duplicate rules: a code under two names, a project listed twice."""

from __future__ import annotations

from .factories import filing, findings, fn_row, functional, item, keys, project_list, targets


def test_code_printed_with_two_names() -> None:
    doc = filing(
        functional(
            fn_row("2080102", "一般行政管理事务", (0, 0, 0)),
            fn_row("2080104", "综合业务管理", (0, 0, 0)),
            fn_row("2080102", "一般行政管理事业", (0, 0, 0)),
        )
    )
    [f] = findings(doc, "dup.code_names")
    assert (f.anomaly_class, f.key, f.row_index) == ("duplicate_entry", "2080102", 2)
    assert "一般行政管理事务、一般行政管理事业" in f.message


def test_code_with_one_name_in_two_width_forms_is_not_a_duplicate() -> None:
    doc = filing(
        functional(
            fn_row("2080199", "其他人力资源(社会保障)", (0, 0, 0)),
            fn_row("2080199", "其他人力资源（社会保障）", (0, 0, 0)),
            fn_row("2080101", "行政运行", (0, 0, 0)),
        )
    )
    assert keys(doc, "dup.code_names") == []


def test_project_listed_twice() -> None:
    doc = filing(
        project_list(
            item("预估2024年单位其他资金", 2000, label="(一)预估2024年单位其他资金"),
            item("预估2024年单位其他资金项目", 50),
            item("预估2024年单位其他资金", 2000, label="(七)预估2024年单位其他资金"),
        )
    )
    [f] = findings(doc, "dup.project_rows")
    assert (f.table_kind, f.key, f.row_index) == ("project_expenditure", "预估2024年单位其他资金", 2)


def test_distinct_projects_are_not_duplicates() -> None:
    doc = filing(
        project_list(item("甲", 1), item("乙", 1)), project_list(item("甲", 1), kind="transfer_payment")
    )
    assert keys(doc, "dup.project_rows") == []


def test_two_target_tables_for_one_project() -> None:
    doc = filing(
        targets("巩固脱贫攻坚成果专项中职（技工院校）学生资助", 109800, "none"),
        targets("其他项目", 1, "none"),
        targets("巩固脱贫攻坚成果专项中职(技工院校)学生资助", 0, "none"),
        stage="original",
    )
    [f] = findings(doc, "dup.target_tables")
    assert (f.table_kind, f.table_index) == ("project_performance", 2)
    assert f.key == "巩固脱贫攻坚成果专项中职（技工院校）学生资助"


def test_one_target_table_per_project_is_fine() -> None:
    doc = filing(targets("甲"), targets("乙"))
    assert keys(doc, "dup.target_tables") == []
