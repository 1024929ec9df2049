"""Amounts and name matching the rules rely on (the value grammar is tests/contract/test_values.py)."""

from __future__ import annotations

from decimal import Decimal

from review.rules import amounts
from review.rules.names import match_key


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


def test_a_thousand_yuan_table_has_its_own_step_and_name() -> None:
    # 千元 was unknown to the rules once: a 千元 table was judged to the cent and shown in 元.
    assert amounts.step("千元") == Decimal("10.00")
    assert amounts.fmt(Decimal("2301300.00"), "千元") == "2301.30"
    assert amounts.fmt_unit(Decimal("2301300.00"), "千元") == "2301.30 千元"
    assert amounts.fmt_unit(Decimal("5"), "美元") == "5.00 元"


def test_match_key_sees_through_print_forms_only() -> None:
    assert match_key("(十四)中央财政就业补助资金(2024提前)") == match_key("中央财政就业补助资金（2024提前）")
    assert match_key("“三支一扶” 人员补助资金") == match_key('"三支一扶"人员补助资金')
    assert match_key("预估资金项目") != match_key("预估资金")
    assert match_key("96567人才服务热线") == "96567人才服务热线"


def test_a_table_printed_in_whole_yuan_has_a_one_yuan_step() -> None:
    whole = [Decimal("94995790.00"), Decimal("77381546.00")]
    assert amounts.printed_step("元", whole) == Decimal(1)
    assert amounts.printed_step("元", [*whole, Decimal("0.50")]) == Decimal("0.01")
    assert amounts.printed_step("万元", whole) == Decimal("100.00")


def test_tolerance_is_one_step_per_part_and_at_least_one() -> None:
    assert amounts.parts_of([Decimal(1), None, Decimal(0), Decimal(2)]) == 2
    assert amounts.tolerance(Decimal(1), 0) == Decimal(1)
    assert amounts.tolerance(Decimal(100), 3) == Decimal(300)
    # 94,995,790 against 77,381,546 + 17,614,243: off by 1 元 over two parts.
    assert amounts.within_step(Decimal(94995790), Decimal(77381546 + 17614243), Decimal(1), 2)
    assert not amounts.within_step(Decimal(94995792), Decimal(77381546 + 17614243), Decimal(1), 1)
