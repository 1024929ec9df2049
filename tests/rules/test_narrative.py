"""The 说明 against the tables (review/rules/narrative.py, issue 12 item 4).

Each rule on a paragraph that breaks it and one that does not, then the real packages through
the parser: their exact narrative anomalies (the 司法局's three, nothing of a SCHEMA class on
the clean ones).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from review.rules import SCHEMA_CLASSES, run_rules, to_anomalies_json

from .package_factories import THREE_PUBLIC_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
NARRATIVE_RULES = [
    "narrative.tables",
    "narrative.parts",
    "narrative.words",
    "narrative.percent",
    "narrative.year",
    "narrative.template",
    "narrative.punctuation",
]


def para(text: str, page: int = 8) -> dict[str, Any]:
    return {"page": page, "text": text, "bbox": [58.0, 120.0, 780.0, 150.0]}


def grid(
    role: str, title: str, columns: list[str], *rows: dict[str, Any], unit: str = "元"
) -> dict[str, Any]:
    return {
        "kind": "grid",
        "role": role,
        "title": title,
        "unit": unit,
        "pages": [10],
        "columns": columns,
        "rows": list(rows),
    }


def grow(label: str | None, values: dict[str, str | None], code: str | None = None, side: str | None = None):
    return {"side": side, "code": code, "label": label, "values": values}


def functional(*rows: tuple[str | None, str, str]) -> dict[str, Any]:
    return {
        "kind": "functional_expenditure",
        "title": "2026年部门一般公共预算支出功能分类预算表",
        "unit": "元",
        "pages": [15],
        "rows": [
            {
                "code": code,
                "name": name,
                "initial": {"total": v, "basic": v, "project": "0.00"},
                "adjusted": {"total": None, "basic": None, "project": None},
                "change": {"total": None, "basic": None, "project": None},
            }
            for code, name, v in rows
        ],
    }


def budget(
    *paragraphs: dict[str, Any],
    tables: list[dict[str, Any]] | None = None,
    year: int = 2026,
    stage: str = "original",
) -> dict[str, Any]:
    return {
        "schema": "budget-filing/1",
        "department": "上海市普陀区某局",
        "year": year,
        "stage": stage,
        "tables": tables or [],
        "narrative": list(paragraphs),
    }


HOUSING = functional(
    ("221", "住房保障支出", "4521559.00"),
    ("22102", "住房改革支出", "4521559.00"),
    ("2210201", "住房公积金", "2087959.00"),
    ("2210203", "购房补贴", "2433600.00"),
    (None, "合计", "4521559.00"),
)
THREE_PUBLIC = grid(
    "three_public",
    "2026年部门“三公”经费和机关运行经费预算表",
    THREE_PUBLIC_COLUMNS,
    grow(
        None,
        {
            "“三公”经费预算数/合计": "108100.00",
            "“三公”经费预算数/因公出国(境)费": "0.00",
            "“三公”经费预算数/公务接待费": "8300.00",
            "“三公”经费预算数/公务用车购置及运行费/小计": "99800.00",
            "“三公”经费预算数/公务用车购置及运行费/购置费": "0.00",
            "“三公”经费预算数/公务用车购置及运行费/运行费": "99800.00",
            "机关运行经费预算数": "2178300.00",
        },
    ),
    unit="万元",
)
SUMMARY = {
    "kind": "income_expense_summary",
    "title": "2026年部门财务收支预算总表",
    "unit": "元",
    "pages": [10],
    "rows": [
        {
            "side": "income",
            "label": "一、财政拨款收入",
            "initial": "96282213.44",
            "adjusted": None,
            "change": None,
        },
        {"side": "income", "label": "二、事业收入", "initial": "0.00", "adjusted": None, "change": None},
        {"side": "income", "label": "收入总计", "initial": "96282213.44", "adjusted": None, "change": None},
        {"side": "expense", "label": "支出总计", "initial": "96282213.44", "adjusted": None, "change": None},
    ],
}


def found(doc: dict[str, Any], rule_id: str) -> list[Any]:
    return run_rules(doc, [rule_id])


def keys(doc: dict[str, Any], rule_id: str) -> list[tuple[str, str, str]]:
    return [(f.anomaly_class, f.table_kind, f.key) for f in found(doc, rule_id)]


# ------------------------------------------------------------------ narrative.tables


def test_a_line_figure_that_differs_from_its_table_row() -> None:
    text = (
        "12、住房保障支出（221类）住房改革支出（02款）住房公积金（01项）208.8万元。主要用于：住房公积金。"
        "2025年当年预算执行数为198.34万元，2026年预算安排201.50万元，比2025年预算执行数增加5.27%。"
    )
    hits = found(budget(para(text, 9), tables=[HOUSING]), "narrative.tables")
    assert [(f.anomaly_class, f.table_kind, f.key) for f in hits] == [
        ("narrative_mismatch", "narrative", "p9")
    ]
    (hit,) = hits
    assert "201.50万元" in hit.message and "2,087,959.00元" in hit.message and "第9页" in hit.message
    assert hit.page == 9 and hit.bbox == (58.0, 120.0, 780.0, 150.0) and hit.table_index == -1


def test_a_line_figure_agrees_at_the_precision_printed() -> None:
    text = (
        "12、住房保障支出（221类）住房改革支出（02款）住房公积金（01项）208.8万元。主要用于：住房公积金。"
        "2025年当年预算执行数为198.34万元，2026年预算安排208.80万元，比2025年预算执行数增加5.27%。"
    )
    assert found(budget(para(text), tables=[HOUSING]), "narrative.tables") == []


def test_lines_named_by_their_names() -> None:
    ok = "11.“住房保障支出-住房改革支出-住房公积金”科目208.80万元，主要用于缴纳的住房公积金。"
    bad = "11.“住房保障支出-住房改革支出-购房补贴”科目234.36万元，主要用于购房补贴。"
    assert found(budget(para(ok), tables=[HOUSING]), "narrative.tables") == []
    assert keys(budget(para(bad, 7), tables=[HOUSING]), "narrative.tables") == [
        ("narrative_mismatch", "narrative", "p7")
    ]


def test_lines_named_with_their_levels_in_quotes() -> None:
    text = "1.“住房保障支出（类）住房改革支出（款）住房公积金（项）”科目200.80万元，主要用于缴纳住房公积金。"
    assert keys(budget(para(text, 7), tables=[HOUSING]), "narrative.tables") == [
        ("narrative_mismatch", "narrative", "p7")
    ]
    assert (
        found(budget(para(text.replace("200.80", "208.80"), 7), tables=[HOUSING]), "narrative.tables") == []
    )


def test_totals_three_public_and_operating_costs_against_the_tables() -> None:
    clean = [
        para(
            "2026年，上海市普陀区某局收入预算9628.22万元，其中：财政拨款收入9628.22万元，比2025年预算增加"
            "793.14万元；事业收入0万元。"
        ),
        para("2026年“三公”经费预算数为10.81万元，与2025年预算持平。", 22),
        para(
            "（二）公务用车购置及运行费9.98万元，与2025年预算持平。其中：公务用车购置费0万元；公务用车运行费9.98万元。",
            22,
        ),
        para("2026年上海市普陀区某局下属1家机关财政拨款的机关运行经费预算为217.83万元。", 22),
    ]
    assert found(budget(*clean, tables=[SUMMARY, THREE_PUBLIC]), "narrative.tables") == []
    wrong = [
        para("2026年，上海市普陀区某局收入预算9628.22万元，其中：财政拨款收入9682.22万元。"),
        para("2026年上海市普陀区某局机关运行经费预算为271.83万元。", 22),
    ]
    hits = found(budget(*wrong, tables=[SUMMARY, THREE_PUBLIC]), "narrative.tables")
    assert [f.key for f in hits] == ["p8", "p22"]
    assert "9682.22万元" in hits[0].message and "96,282,213.44元" in hits[0].message


def test_two_figures_for_one_thing_no_table_holds() -> None:
    first = para("机关运行经费支出142.80万元，比2023年度减少13.52万元。", 27)
    again = para("（一）机关运行经费支出142.80万元。", 28)
    other = para("（一）机关运行经费支出124.80万元。", 28)
    assert found(budget(first, again, year=2024, stage="final"), "narrative.tables") == []
    hits = found(budget(first, other, year=2024, stage="final"), "narrative.tables")
    assert [(f.key, f.printed, f.expected) for f in hits] == [("p28", Decimal("1248000"), Decimal("1428000"))]


def test_a_final_accounts_three_public_table_that_does_not_say_budget_or_final_is_not_used() -> None:
    # the 预算数/决算数 header row read as a row: 0.95 could be either
    table = grid(
        "final_accounts",
        "财政拨款“三公”经费支出决算表",
        ["财政拨款“三公”经费/合计", "财政拨款“三公”经费/公务接待费"],
        grow("预算数", {"财政拨款“三公”经费/合计": "预算数", "财政拨款“三公”经费/公务接待费": "预算数"}),
        grow(None, {"财政拨款“三公”经费/合计": "9500.00", "财政拨款“三公”经费/公务接待费": "9500.00"}),
        unit="万元",
    )
    text = "“三公”经费财政拨款支出年初预算为0.95万元，支出决算为0.00万元，完成预算的0%。"
    assert found(budget(para(text), tables=[table], year=2024, stage="final"), "narrative.tables") == []


def test_a_wrong_total_is_one_finding_not_also_its_percentage() -> None:
    text = "上海市普陀区某局2024年度收入支出总计0万元。与2023年度相比，收入支出总计减少56.95万元，下降1.87%。"
    table = grid(
        "final_accounts",
        "收入支出决算总表",
        ["收入/决算数", "支出/决算数"],
        grow("总计", {"收入/决算数": "29953900.00"}, side="income"),
        grow("总计", {"支出/决算数": "29953900.00"}, side="expense"),
        unit="万元",
    )
    doc = budget(para(text, 18), tables=[table], year=2024, stage="final")
    assert keys(doc, "narrative.tables") == [("narrative_mismatch", "narrative", "p18")]
    assert found(doc, "narrative.percent") == []


def test_last_years_figures_and_changes_are_not_compared() -> None:
    text = "财政拨款收入9628.22万元，比2025年预算增加9999.99万元。2025年当年预算执行数为1.00万元。"
    assert found(budget(para(text), tables=[SUMMARY]), "narrative.tables") == []


# ------------------------------------------------------------------ narrative.parts


def test_three_public_parts_add_up() -> None:
    good = [
        para("2026年“三公”经费预算数为10.81万元，比2025年预算持平。其中：", 22),
        para("（一）因公出国（境）费0万元，与2025年预算持平。", 22),
        para("（二）公务用车购置及运行费9.98万元，与2025年预算持平。", 22),
        para("（三）公务接待费0.83万元。与2025年预算持平。", 22),
    ]
    assert found(budget(*good), "narrative.parts") == []
    bad = [dict(good[0], text="2026年“三公”经费预算数为11.81万元，比2025年预算持平。其中："), *good[1:]]
    assert keys(budget(*bad), "narrative.parts") == [("narrative_mismatch", "narrative", "p22")]


def test_procurement_parts_add_up() -> None:
    good = (
        "2026年本部门政府采购预算1486.42万元，其中：政府采购货物预算3.66万元、"
        "政府采购工程预算36.44万元、政府采购服务预算1446.32万元。"
    )
    bad = good.replace("1446.32", "1464.32")
    assert found(budget(para(good, 22)), "narrative.parts") == []
    assert keys(budget(para(bad, 22)), "narrative.parts") == [("narrative_mismatch", "narrative", "p22")]


# ------------------------------------------------------------------ narrative.words


def test_zero_said_to_have_increased() -> None:
    bad = "政府性基金拨款支出预算0万元，比上年预算增加1421.25万元。"
    good = "政府性基金拨款支出预算1421.25万元，比上年预算增加1421.25万元。"
    assert keys(budget(para(bad)), "narrative.words") == [("narrative_logic", "narrative", "p8")]
    assert found(budget(para(good)), "narrative.words") == []


def test_a_fall_called_an_increase() -> None:
    bad = "2025年当年预算执行数为43269.3万元，2026年预算安排3845.49万元，比2025年预算执行数增加17.62%。"
    good = "2025年当年预算执行数为3269.3万元，2026年预算安排3845.49万元，比2025年预算执行数增加17.62%。"
    hits = found(budget(para(bad, 9)), "narrative.words")
    assert [(f.anomaly_class, f.key) for f in hits] == [("narrative_logic", "p9")]
    assert "3845.49万元 < 43269.3万元" in hits[0].message
    assert found(budget(para(good, 9)), "narrative.words") == []
    # …and the percentage rule leaves that one to this rule: one finding, not two
    assert found(budget(para(bad, 9)), "narrative.percent") == []


def test_a_final_account_that_says_less_than_budget_when_it_is_not() -> None:
    bad = (
        "年初预算为54.53万元，支出决算为56.53万元，完成年初预算的103.67%。"
        "决算数小于预算数的主要原因：人员变动。"
    )
    good = "年初预算为54.53万元，支出决算为54.53万元，完成年初预算的100.00%。决算数同预算数持平。"
    assert keys(budget(para(bad), year=2024, stage="final"), "narrative.words") == [
        ("narrative_logic", "narrative", "p8")
    ]
    assert found(budget(para(good), year=2024, stage="final"), "narrative.words") == []


def test_a_final_account_that_says_equal_when_it_is_not() -> None:
    bad = "年初预算为62.29万元，支出决算为60.99万元。决算数等于预算数的主要原因：预算按周全保障测算。"
    roughly = "年初预算为10.00万元，支出决算为9.90万元。决算数与预算数基本持平。"
    assert keys(budget(para(bad), year=2024, stage="final"), "narrative.words") == [
        ("narrative_logic", "narrative", "p8")
    ]
    assert found(budget(para(roughly), year=2024, stage="final"), "narrative.words") == []


# ------------------------------------------------------------------ narrative.percent


def test_a_percentage_that_does_not_follow_from_its_figures() -> None:
    bad = "2025年当年预算执行数为77.99万元，2026年预算安排91.97万元，比2025年预算执行数增加17.66%。"
    # 57.8 is printed to one decimal: 2.21% lies within what 57.75…57.85 allow
    good = "2025年当年预算执行数为59.11万元，2026年预算安排57.8万元，比2025年预算执行数减少2.21%。"
    hits = found(budget(para(bad, 9)), "narrative.percent")
    assert [(f.anomaly_class, f.key) for f in hits] == [("narrative_logic", "p9")]
    assert "17.93%" in hits[0].message and "17.66%" in hits[0].message
    assert found(budget(para(good, 9)), "narrative.percent") == []


def test_change_completion_and_share_percentages() -> None:
    good = [
        para("收入支出总计9859.38万元。与2023年度相比，收入支出总计增加1062.85万元，增长12.08%。", 20),
        para(
            "本年支出合计9759.38万元，其中：基本支出5377.64万元，占55.10%；项目支出4381.74万元，占44.90%。",
            20,
        ),
        para("一般公共预算财政拨款支出9746.50万元，占本年支出合计的99.86%。", 21),
        para("年初预算为452.40万元，支出决算为446.11万元，完成年初预算的98.61%。", 22),
        para("机关运行经费支出142.80万元，比2023年度减少13.52万元，下降8.65%。", 27),
    ]
    assert found(budget(*good, year=2024, stage="final"), "narrative.percent") == []
    bad = [
        para("收入支出总计9859.38万元。与2023年度相比，收入支出总计增加1062.85万元，增长21.08%。", 20),
        para("本年支出合计9759.38万元，其中：基本支出5377.64万元，占65.10%。", 20),
        para("年初预算为452.40万元，支出决算为446.11万元，完成年初预算的96.81%。", 22),
    ]
    assert [f.key for f in found(budget(*bad, year=2024, stage="final"), "narrative.percent")] == [
        "p20",
        "p20",
        "p22",
    ]


def test_shares_of_parts_whose_total_is_not_printed() -> None:
    good = (
        "主要用于以下方面：一般公共服务支出（类）300.00万元，占30.00%；教育支出（类）700.00万元，占70.00%。"
    )
    bad = "主要用于以下方面：一般公共服务支出（类）300.00万元，占40.00%；教育支出（类）700.00万元，占60.00%。"
    assert found(budget(para(good), year=2024, stage="final"), "narrative.percent") == []
    assert len(found(budget(para(bad), year=2024, stage="final"), "narrative.percent")) == 2


# ------------------------------------------------------------------ narrative.year


def test_a_budget_compared_with_its_own_year() -> None:
    bad = "财政拨款收入9628.22万元，比2026年预算增加793.14万元。"
    good = "财政拨款收入9628.22万元，比2025年预算增加793.14万元。截至2025年8月31日，共有车辆3辆。"
    assert keys(budget(para(bad)), "narrative.year") == [("year_mismatch", "narrative", "p8")]
    assert found(budget(para(good)), "narrative.year") == []


def test_years_of_documents_cited_and_dates_are_not_checked() -> None:
    text = (
        "根据《2019年预算管理办法》，截至2025年8月31日，实施周期2023年1月1日-2027年12月31日，"
        "2026年预算安排1万元。"
    )
    assert found(budget(para(text)), "narrative.year") == []
    assert keys(budget(para("2024年预算安排1万元。")), "narrative.year") == [
        ("year_mismatch", "narrative", "p8")
    ]


def test_a_final_accounts_assets_are_counted_at_the_end_of_its_year() -> None:
    bad = "截至2023年12月31日，上海市普陀区财政局共有车辆0辆。"
    assert keys(budget(para(bad, 24), year=2024, stage="final"), "narrative.year") == [
        ("year_mismatch", "narrative", "p24")
    ]
    good = bad.replace("2023", "2024")
    assert found(budget(para(good, 24), year=2024, stage="final"), "narrative.year") == []


def test_a_final_account_reports_its_year_and_compares_with_the_one_before() -> None:
    good = (
        "2024年度收入支出总计9859.38万元。与2023年度相比，收入支出总计增加1062.85万元。截至2024年12月31日。"
    )
    bad = "2022年度收入支出总计9859.38万元。与2022年度相比，收入支出总计增加1062.85万元。"
    assert found(budget(para(good), year=2024, stage="final"), "narrative.year") == []
    hits = found(budget(para(bad), year=2024, stage="final"), "narrative.year")
    assert [(f.printed, f.expected) for f in hits] == [("2022", "2023"), ("2022", "2024")]
    # last year's figures may be stated (only compared with), a heading names the year itself
    assert found(budget(para("2023年度决算数为1.00万元。"), year=2024, stage="final"), "narrative.year") == []
    heading = budget(para("2023年度部门决算", 1), year=2024, stage="final")
    assert keys(heading, "narrative.year") == [("year_mismatch", "narrative", "p1")]


# ------------------------------------------------------------------ narrative.template


@pytest.mark.parametrize(
    "text",
    [
        "上海市普陀区XX局2024年度部门决算",
        "收入预算x,xxx万元",
        "目标1:目标2:目标3:",
        "比2023年度减少0.15万元，下降（增长）27.78%",
    ],
)
def test_template_text_left_in(text: str) -> None:
    assert keys(budget(para(text, 3)), "narrative.template") == [("template_remnant", "narrative", "p3")]


def test_a_doubled_full_stop_counts_where_template_text_is_left_elsewhere() -> None:
    stop = para("主要用于：信息化建设等方面的支出。。2025年当年预算执行数为60.41万元。", 9)
    assert found(budget(stop), "narrative.template") == []
    doc = budget(para("上海市普陀区XX局2024年度部门决算", 1), stop, year=2024, stage="final")
    assert keys(doc, "narrative.template") == [
        ("template_remnant", "narrative", "p1"),
        ("template_remnant", "narrative", "p9"),
    ]


def test_no_template_text() -> None:
    text = "上海市普陀区司法局共有车辆3辆，其中执法执勤用车3辆（XXL号车位除外）。"
    assert found(budget(para(text)), "narrative.template") == []


# ------------------------------------------------------------------ narrative.punctuation


def test_a_doubled_full_stop_is_an_info_of_our_own_class() -> None:
    hits = found(
        budget(para("主要用于：信息化建设等方面的支出。。2025年当年预算执行数为60.41万元。")),
        "narrative.punctuation",
    )
    assert [(f.anomaly_class, str(f.severity)) for f in hits] == [("punctuation", "info")]
    assert "punctuation" not in SCHEMA_CLASSES
    assert found(budget(para("主要用于：信息化建设等方面的支出。2025年。")), "narrative.punctuation") == []


# ------------------------------------------------------------------ one anomaly per page and class


def test_several_breaches_on_one_page_are_one_anomaly() -> None:
    doc = budget(
        para("财政拨款收入9628.22万元，比2026年预算增加793.14万元。"),
        para("支出预算9628.22万元，比2026年预算增加793.14万元。"),
    )
    report = to_anomalies_json(run_rules(doc, ["narrative.year"]))["anomalies"]
    assert [(a["class"], a["table"], a["key"]) for a in report] == [("year_mismatch", "narrative", "p8")]


def test_a_paragraph_cut_by_a_page_break_is_read_whole() -> None:
    text1 = "2、社会保障和就业支出（类）行政事业单位养老支出（款）"
    text2 = (
        "事业单位离退休（项）。主要用于：退休人员支出。"
        "年初预算为28.11万元，支出决算为28.11万元，完成年初预算的10.00%。"
    )
    hits = found(budget(para(text1, 21), para(text2, 22), year=2024, stage="final"), "narrative.percent")
    assert [f.key for f in hits] == ["p22"]


# ------------------------------------------------------------------ the real packages

REAL_EXPECTED: dict[str, set[tuple[str, str, str]]] = {
    "sh-putuo-justice-2026-dept-budget": {
        ("year_mismatch", "narrative", "p8"),
        ("narrative_logic", "narrative", "p9"),
        ("narrative_mismatch", "narrative", "p9"),
    },
    "sh-putuo-govoffice-2025-dept-budget": set(),
    "js-npc-office-2019-budget-tables": set(),
    # Verified by hand on the printed pages: the 说明 gives 一般公共预算财政拨款基本支出 as 5377.64万元
    # and 人员经费 as 4896.98万元 (p24), the tables 5364.75 and 4884.09 万元 (5377.64 is the 基本支出
    # of all funds, 支出决算表); and p25 leaves the template's choice `下降（增长）27.78%`.
    "sh-putuo-planning-2024-final-accounts": {
        ("narrative_mismatch", "narrative", "p24"),
        ("template_remnant", "narrative", "p25"),
    },
}


def _narrative_anomalies(doc: dict[str, Any]) -> set[tuple[str, str, str]]:
    report = to_anomalies_json(run_rules(doc, NARRATIVE_RULES))["anomalies"]
    return {(a["class"], a["table"], a["key"]) for a in report if a["class"] in SCHEMA_CLASSES}


@pytest.mark.parametrize("name", sorted(REAL_EXPECTED))
def test_real_packages(real_parse: Callable[[str], dict[str, Any]], name: str) -> None:
    doc = real_parse(name)
    assert doc["narrative"] or name.startswith("js-")
    assert _narrative_anomalies(doc) == REAL_EXPECTED[name]


def test_the_justice_package_scores_perfect_on_its_truth(
    real_parse: Callable[[str], dict[str, Any]], scorer: Any, tmp_path: Path
) -> None:
    """Its truth lists exactly the three 说明 defects; the rules of this module find them and no more."""
    import json

    name = "sh-putuo-justice-2026-dept-budget"
    truth = scorer.load(ROOT / "tests/corpus/real/truth" / f"{name}.anomalies.json", scorer.ANOMALY_SCHEMA)
    got_path = tmp_path / "got.anomalies.json"
    got_path.write_text(
        json.dumps(to_anomalies_json(run_rules(real_parse(name), NARRATIVE_RULES)), ensure_ascii=False),
        encoding="utf-8",
    )
    result = scorer.score_anomalies(truth, scorer.load(got_path, scorer.ANOMALY_SCHEMA))
    assert result["tally"].recall == 1.0 and result["tally"].precision == 1.0, result


def test_punctuation_on_the_justice_package_is_ours_only(real_parse: Callable[[str], dict[str, Any]]) -> None:
    hits = run_rules(real_parse("sh-putuo-justice-2026-dept-budget"), ["narrative.punctuation"])
    assert [(f.anomaly_class, f.key) for f in hits] == [("punctuation", "p8")]


@pytest.mark.parametrize("path", sorted((ROOT / "tests/corpus/pdf").glob("*.pdf")), ids=lambda p: p.stem)
def test_guizhou_corpus_has_no_narrative_findings(path: Path) -> None:
    from filings.parsing import parse_pdf

    assert run_rules(parse_pdf(path), NARRATIVE_RULES) == []
