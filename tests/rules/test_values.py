"""The indicator value parser, amounts and name matching the rules rely on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from review.rules import amounts
from review.rules.names import match_key
from review.rules.values import deadlines, parse_value


@pytest.mark.parametrize(
    ("text", "op", "number", "unit"),
    [
        ("≥760次", "≥", "760", "次"),
        ("≤136.9万元", "≤", "1369000", "元"),
        ("≤1.1亿元", "≤", "110000000", "元"),
        ("=100%", "=", "100", "%"),
        ("==1人", "=", "1", "人"),
        ("＝１００％", "=", "100", "%"),
        ("193人", None, "193", "人"),
        ("0", None, "0", ""),
        ("≥9.8万人", "≥", "98000", "人"),
        ("6000元/年/人", None, "6000", "元/年/人"),
        ("不超过50万元", "≤", "500000", "元"),
        (">=3,000人", "≥", "3000", "人"),
    ],
)
def test_parse_value_numbers(text: str, op: str | None, number: str, unit: str) -> None:
    value = parse_value(text)
    assert (value.op, value.number, value.unit) == (op, Decimal(number), unit)


@pytest.mark.parametrize(
    "text", ["按文件规定予以补贴", "有效促进", "", None, "=2024年度", "2025年12月31日前", "贴息总额的70%"]
)
def test_parse_value_text_has_no_number(text: str | None) -> None:
    assert parse_value(text).number is None


def test_value_kinds() -> None:
    assert parse_value("≤20万元").is_cap and parse_value("≤20万元").is_money
    assert not parse_value("≤6000元/人").is_money
    assert parse_value("5.5%左右").is_percent and not parse_value("≥90%").is_cap


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2025年12月31日前", [2025]),
        ("2025年12月底前", [2025]),
        ("2022年底前", [2022]),
        ("2023年12月前各项工作完成率", [2023]),
        ("≤2024年末", [2024]),
        ("2024年1-6月各项工作任务完成率达到", []),
        ("计划于2025年12月建成投用率", []),
        ("=2024年", []),
    ],
)
def test_deadlines_need_a_limit_word(text: str, years: list[int]) -> None:
    assert [d.year for d in deadlines(text)] == years


def test_a_bare_date_value_is_a_deadline_when_asked() -> None:
    assert [d.year for d in deadlines("=2023年度", whole_value=True)] == [2023]
    assert [(d.month, d.day) for d in deadlines("2025年12月31日", whole_value=True)] == [(12, 31)]
    assert deadlines("2023年结转资金支付率", whole_value=True) == []


def test_steps_and_rounding_follow_the_unit() -> None:
    assert amounts.step("万元") == Decimal("100.00")
    assert amounts.step("元") == Decimal("0.01")
    assert amounts.step("亿元") == Decimal("1000000.00")
    assert amounts.same_after_rounding(Decimal("85684"), Decimal("85700"), Decimal(100))
    assert not amounts.same_after_rounding(Decimal("1675300"), Decimal("1675200"), Decimal(100))
    assert amounts.fmt(Decimal("2301300.00"), "万元") == "230.13"
    assert amounts.fmt(Decimal("85684.00"), "万元") == "8.5684"
    assert amounts.to_decimal("1,234.50") == Decimal("1234.50")
    assert amounts.to_decimal("-") is None and amounts.to_decimal("abc") is None


def test_match_key_sees_through_print_forms_only() -> None:
    assert match_key("(十四)中央财政就业补助资金(2024提前)") == match_key("中央财政就业补助资金（2024提前）")
    assert match_key("“三支一扶” 人员补助资金") == match_key('"三支一扶"人员补助资金')
    assert match_key("预估资金项目") != match_key("预估资金")
    assert match_key("96567人才服务热线") == "96567人才服务热线"
