"""The indicator-value grammar: operators, numbers, units, quantities, deadlines, placeholders.

One reading serves the stored Indicator columns (`parse_indicator_value`) and the anomaly
rules (`parse_value`, `deadlines`); the last tests check that the two agree.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from budget_filing.values import (
    OPERATORS,
    Deadline,
    deadlines,
    parse_indicator_value,
    parse_value,
    read_operator,
)
from filings.parsing import parse_indicator_value as parser_parse_indicator_value

TRUTH = Path(__file__).resolve().parents[1] / "corpus" / "truth"

# ---- operators -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("≥95%", "≥"),
        (">=95%", "≥"),
        ("≧95%", "≥"),
        ("＞＝95%", "≥"),
        ("不低于95%", "≥"),
        ("不少于95%", "≥"),
        ("不小于95%", "≥"),
        ("大于等于95%", "≥"),
        ("至少95%", "≥"),
        ("达到95%", "≥"),
        ("≤95%", "≤"),
        ("<=95%", "≤"),
        ("≦95%", "≤"),
        ("＜＝95%", "≤"),
        ("不高于95%", "≤"),
        ("不超过95%", "≤"),
        ("不大于95%", "≤"),
        ("小于等于95%", "≤"),
        ("控制在95%", "≤"),
        ("=95%", "="),
        ("==95%", "="),
        ("＝95%", "="),
        (">95%", ">"),
        ("＞95%", ">"),
        ("大于95%", ">"),
        ("高于95%", ">"),
        ("超过95%", ">"),
        ("<95%", "<"),
        ("＜95%", "<"),
        ("小于95%", "<"),
        ("低于95%", "<"),
        ("95%", None),
    ],
)
def test_operators(text: str, op: str | None) -> None:
    value = parse_value(text)
    assert value.op == op
    assert (value.number, value.unit) == (Decimal(95), "%"), text


def test_longest_spelling_wins() -> None:
    # `不低于` is not `低于`, `>=` is not `>`, `不超过` is not `超过`.
    assert read_operator("不低于1") == ("≥", "1")
    assert read_operator(">=1") == ("≥", "1")
    assert read_operator("不超过1") == ("≤", "1")
    assert read_operator("1") == (None, "1")
    assert set(OPERATORS) == {"≥", "≤", "=", ">", "<"}


@pytest.mark.parametrize(
    ("text", "op", "unit"),
    [
        ("95%以上", "≥", "%"),
        ("100人及以上", "≥", "人"),
        ("5%以下", "≤", "%"),
        ("20万元以内", "≤", "万元"),
        ("≥95%以上", "≥", "%"),
        ("5.5%左右", None, "%左右"),
    ],
)
def test_a_bound_written_after_the_figure(text: str, op: str | None, unit: str) -> None:
    value = parse_value(text)
    assert (value.op, value.unit) == (op, unit)


def test_spaces_and_full_width_forms_read_alike() -> None:
    assert parse_value(" ≥ 9 5 ％ ") == parse_value("≥95%")
    assert parse_value("＝１００％").text == "=100%"


# ---- numbers, units and quantities ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "unit", "quantity", "quantity_unit"),
    [
        ("≥760次", "760", "次", "760", "次"),
        ("=100%", "100", "%", "100", "%"),
        ("≤13.6万元", "13.6", "万元", "136000", "元"),
        ("≤136.9万元", "136.9", "万元", "1369000", "元"),
        ("≤250千元", "250", "千元", "250000", "元"),
        ("≤1.1亿元", "1.1", "亿元", "110000000", "元"),
        ("≤800元", "800", "元", "800", "元"),
        ("≤3,625,222.38元", "3625222.38", "元", "3625222.38", "元"),
        ("≥9.8万人", "9.8", "万人", "98000", "人"),
        ("≥4.5万人次", "4.5", "万人次", "45000", "人次"),
        ("≥1.2亿人次", "1.2", "亿人次", "120000000", "人次"),
        ("≤2000万", "2000", "万", "20000000", ""),
        ("≥3千人", "3", "千人", "3000", "人"),
        ("≤1.2千万元", "1.2", "千万元", "12000000", "元"),
        ("6000元/年/人", "6000", "元/年/人", "6000", "元/年/人"),
        ("≤0.5万元/人", "0.5", "万元/人", "5000", "元/人"),
        ("1000元左右", "1000", "元左右", "1000", "元左右"),
        ("0", "0", "", "0", ""),
        (">=3,000人", "3000", "人", "3000", "人"),
        ("=2年", "2", "年", "2", "年"),
        ("-5%", "-5", "%", "-5", "%"),
    ],
)
def test_numbers_units_and_quantities(
    text: str, number: str, unit: str, quantity: str, quantity_unit: str
) -> None:
    value = parse_value(text)
    assert (value.number, value.unit) == (Decimal(number), unit)
    assert (value.quantity, value.quantity_unit) == (Decimal(quantity), quantity_unit)
    assert value.deadline is None


def test_quantities_stay_decimal() -> None:
    value = parse_value("≤0.62万元")
    assert isinstance(value.quantity, Decimal) and value.quantity == Decimal("6200")


@pytest.mark.parametrize(
    "text",
    [
        "按文件规定予以补贴",
        "有效促进",
        "",
        None,
        "贴息总额的70%",
        "=2024年度",
        "2024年度",
        "=2024年",
        "2025年12月31日前",
        "2025.12.31",
        "12月底前",
        "6月30日前",
        "年底前",
        "XXX",
    ],
)
def test_no_leading_number_no_quantity(text: str | None) -> None:
    value = parse_value(text)
    assert value.number is None and value.quantity is None and value.unit == ""
    assert not (value.is_numeric or value.is_money or value.is_percent)


def test_kinds_of_value() -> None:
    assert parse_value("≤20万元").is_cap and parse_value("≤20万元").is_money
    assert parse_value("≤250千元").is_money
    assert parse_value("不超过20万元").is_cap
    assert parse_value("20万元以内").is_cap
    assert not parse_value("≤6000元/人").is_money
    assert not parse_value("≤2000万").is_money  # a bare 万 says no money
    assert parse_value("5.5%左右").is_percent and not parse_value("≥90%").is_cap
    assert parse_value("≥90%").is_numeric and not parse_value("有效促进").is_numeric


# ---- deadlines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year", "deadline"),
    [
        ("2025年12月31日前", None, datetime.date(2025, 12, 31)),
        ("2025年12月31日", None, datetime.date(2025, 12, 31)),
        ("2025年12月底前", None, datetime.date(2025, 12, 31)),
        ("2024年6月底前", None, datetime.date(2024, 6, 30)),
        ("2024年2月底", None, datetime.date(2024, 2, 29)),
        ("2024年10月前", None, datetime.date(2024, 10, 31)),
        ("2025年底", None, datetime.date(2025, 12, 31)),
        ("2025年底前", None, datetime.date(2025, 12, 31)),
        ("2025年末", None, datetime.date(2025, 12, 31)),
        ("2025年内", None, datetime.date(2025, 12, 31)),
        ("2025年度", None, datetime.date(2025, 12, 31)),
        ("=2023年度", None, datetime.date(2023, 12, 31)),
        ("=2024年", None, datetime.date(2024, 12, 31)),
        ("≤2023年末", None, datetime.date(2023, 12, 31)),
        ("不晚于2025年6月", None, datetime.date(2025, 6, 30)),
        ("2025.12.31", None, datetime.date(2025, 12, 31)),
        ("2025-06-30前", None, datetime.date(2025, 6, 30)),
        ("2025/6/30", None, datetime.date(2025, 6, 30)),
        ("12月底前", 2025, datetime.date(2025, 12, 31)),
        ("6月30日前", 2026, datetime.date(2026, 6, 30)),
        ("11月末", 2025, datetime.date(2025, 11, 30)),
        ("本年底前", 2025, datetime.date(2025, 12, 31)),
        ("当年末", 2025, datetime.date(2025, 12, 31)),
        ("年底前", 2025, datetime.date(2025, 12, 31)),
        ("≤年底", 2025, datetime.date(2025, 12, 31)),
    ],
)
def test_deadlines(text: str, year: int | None, deadline: datetime.date) -> None:
    value = parse_value(text, year)
    assert value.deadline is not None and value.deadline.date == deadline
    assert value.number is None


@pytest.mark.parametrize("text", ["12月底前", "6月30日前", "本年底前", "年底前"])
def test_a_month_without_a_year_needs_the_budget_year(text: str) -> None:
    assert parse_value(text).deadline is None
    assert parse_indicator_value(text) is None


@pytest.mark.parametrize("text", ["2023年2月30日前", "2023年13月前", "2025.13.01"])
def test_dates_that_cannot_be_are_none(text: str) -> None:
    assert deadlines(text, 2025, whole_value=True) == []


def test_a_number_and_a_deadline_in_one_value() -> None:
    value = parse_value("≥95%（2025年底前）")
    assert (value.op, value.quantity, value.is_percent) == ("≥", Decimal(95), True)
    assert value.deadline == Deadline(2025, None, None, "2025年底前")


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2025年12月31日前", [2025]),
        ("2025年12月底前", [2025]),
        ("2022年底前", [2022]),
        ("2023年12月前各项工作完成率", [2023]),
        ("≤2024年末", [2024]),
        ("2023年内完成", [2023]),
        ("截至2023年12月止", [2023]),
        ("2023.12.31前完成", [2023]),
        ("2024年1-6月各项工作任务完成率达到", []),
        ("2024年1月至12月完成率", []),
        ("计划于2025年12月建成投用率", []),
        ("2023年内容更新率", []),
        ("=2024年", []),
        ("2023年结转资金支付率", []),
    ],
)
def test_deadlines_in_text_need_a_limit_word(text: str, years: list[int]) -> None:
    assert [d.year for d in deadlines(text)] == years


def test_a_bare_date_value_is_a_deadline_when_asked() -> None:
    assert [d.year for d in deadlines("=2023年度", whole_value=True)] == [2023]
    assert [(d.month, d.day) for d in deadlines("2025年12月31日", whole_value=True)] == [(12, 31)]
    assert [d.text for d in deadlines("≤2025.06.30", whole_value=True)] == ["2025.06.30"]
    assert deadlines("2023年结转资金支付率", whole_value=True) == []
    assert deadlines("约2023年", whole_value=True) == []


def test_months_are_the_budget_years_when_it_is_given() -> None:
    assert deadlines("12月底前完成") == []
    assert deadlines("12月底前完成", 2025) == [Deadline(2025, 12, None, "12月底前")]
    assert deadlines("6月30日", 2025, whole_value=True) == [Deadline(2025, 6, 30, "6月30日")]
    # a month after a year is that year's, of a range the last month counts
    assert deadlines("2024年1-6月底前", 2025) == [Deadline(2024, 6, None, "2024年1-6月底前")]
    assert deadlines("2024年1月至6月前", 2025) == [Deadline(2024, 6, None, "2024年1月至6月前")]


def test_deadline_date_is_the_last_day_allowed() -> None:
    assert Deadline(2024, None, None, "2024年").date == datetime.date(2024, 12, 31)
    assert Deadline(2024, 2, None, "2024年2月").date == datetime.date(2024, 2, 29)
    assert Deadline(2023, 2, None, "2023年2月").date == datetime.date(2023, 2, 28)
    assert Deadline(2024, 6, 1, "2024年6月1日").date == datetime.date(2024, 6, 1)


# ---- placeholders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "XXX",
        "xx",
        "×××",
        "***",
        "ＸＸＸ",
        "≥XX%",
        "xx人",
        "≤XX万元",
        "……",
        "...",
        "。。。",
        "待定",
        "无",
        "暂无",
    ],
)
def test_placeholders(text: str) -> None:
    assert parse_value(text).is_placeholder


@pytest.mark.parametrize(
    "text", ["", "≥95%", "有效促进", "无明显下降", "XX市就业服务中心建成", "2025年底前", "0"]
)
def test_not_placeholders(text: str) -> None:
    assert not parse_value(text).is_placeholder


# ---- the stored columns --------------------------------------------------------------------


def test_indicator_columns() -> None:
    assert parse_indicator_value("≤13.6千元") == {
        "operator": "≤",
        "number": Decimal("13.6"),
        "unit": "千元",
        "quantity": Decimal("13600"),
        "quantity_unit": "元",
        "deadline": None,
        "text": "≤13.6千元",
    }
    assert parse_indicator_value("=2023年度") == {
        "operator": "=",
        "number": None,
        "unit": None,
        "quantity": None,
        "quantity_unit": None,
        "deadline": datetime.date(2023, 12, 31),
        "text": "=2023年度",
    }
    columns = parse_indicator_value("0")
    assert columns is not None and (columns["unit"], columns["quantity_unit"]) == (None, None)
    assert parse_indicator_value("有效选拔") is None and parse_indicator_value(None) is None


def test_the_parser_exports_the_contracts_reading() -> None:
    assert parser_parse_indicator_value is parse_indicator_value


def _corpus_values() -> list[tuple[str, int | None]]:
    found: dict[str, int | None] = {}
    for path in sorted(TRUTH.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for table in doc.get("tables") or []:
            for indicator in table.get("indicators") or []:
                for side in ("initial", "adjusted"):
                    entry = indicator.get(side)
                    if entry and entry.get("value"):
                        found.setdefault(entry["value"], doc.get("year"))
    return sorted(found.items())


def test_the_corpus_has_values() -> None:
    assert len(_corpus_values()) > 100


@pytest.mark.parametrize(("text", "year"), _corpus_values())
def test_columns_and_rules_read_every_corpus_value_alike(text: str, year: int | None) -> None:
    value = parse_value(text, year)
    columns = parse_indicator_value(text, year)
    if columns is None:
        assert value.quantity is None and value.deadline is None
        return
    assert columns["operator"] == value.op
    assert (columns["quantity"], columns["quantity_unit"] or "") == (value.quantity, value.quantity_unit)
    assert columns["deadline"] == (value.deadline.date if value.deadline else None)
    # a value is a quantity or a date, never a year read as a number (`=2024年度`)
    assert not (value.quantity is not None and value.quantity_unit.startswith("年度"))
