"""Units and their factors: the one conversion between printed amounts and yuan, 千元 included."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget_filing.units import UNIT_FACTORS, UNITS, factor, in_unit, known_unit, to_yuan, unit_in
from filings.parsing.amounts import to_yuan as parser_to_yuan
from filings.parsing.amounts import unit_in as parser_unit_in
from filings.parsing.amounts import yuan
from review import formatting
from review.rules import amounts


@pytest.mark.parametrize(
    ("unit", "yuan_per_unit"),
    [("元", "1"), ("千元", "1000"), ("万元", "10000"), ("亿元", "100000000")],
)
def test_factors(unit: str, yuan_per_unit: str) -> None:
    assert factor(unit) == Decimal(yuan_per_unit)
    assert factor(f" {unit} ") == Decimal(yuan_per_unit)
    assert known_unit(unit) == unit


@pytest.mark.parametrize("unit", [None, "", "美元", "万"])
def test_unknown_or_missing_units_are_yuan(unit: str | None) -> None:
    assert factor(unit) == Decimal(1)
    assert known_unit(unit) == "元"


def test_units_in_order_of_size() -> None:
    assert UNITS == ("元", "千元", "万元", "亿元")
    assert all(isinstance(f, Decimal) for f in UNIT_FACTORS.values())


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("723.31", "万元", "7233100.00"),
        ("7233.1", "千元", "7233100.00"),
        ("1.5", "亿元", "150000000.00"),
        ("0.005", "元", "0.01"),
        ("-0.004", "千元", "-4.00"),
        ("12.3456", "千元", "12345.60"),
    ],
)
def test_to_yuan_two_places_half_up(value: str, unit: str, expected: str) -> None:
    assert to_yuan(Decimal(value), unit) == expected


def test_to_yuan_keeps_decimal_exact_and_back() -> None:
    # 0.1 + 0.2 is no problem for Decimal, which money must never leave
    assert to_yuan(Decimal("0.1") + Decimal("0.2"), "万元") == "3000.00"
    assert to_yuan(None, "千元") is None
    assert in_unit(None, "千元") is None
    assert in_unit(Decimal("7233100.00"), "千元") == Decimal("7233.1")
    assert in_unit(Decimal("7233100.00"), "万元") == Decimal("723.31")


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("单位：元", "元"),
        ("单位:万元", "万元"),
        ("金额单位：万元", "万元"),
        ("单位：千元", "千元"),
        ("金额单位: 千元", "千元"),
        ("单位： 亿元", "亿元"),
        ("资金情况（万元）", "万元"),
        ("年度资金总额(万元):", "万元"),
        ("资金总额(元):", "元"),
        ("（千元）", "千元"),
        ("项目名称", None),
        ("万元户", None),
        ("千元户", None),
    ],
)
def test_unit_in(text: str, unit: str | None) -> None:
    assert unit_in(text) == unit


def test_every_part_uses_the_same_factors() -> None:
    # The parser, the rules and the display once each had their own table; 千元 was missing
    # from two of them.
    assert parser_to_yuan is to_yuan and parser_unit_in is unit_in
    assert yuan("7,233.1", "千元") == "7233100.00"
    assert amounts.step("千元") == Decimal("10.00")
    assert amounts.fmt_unit(Decimal("7233100"), "千元") == "7233.10 千元"
    assert formatting.printed(Decimal("7233100.00"), "千元") == "7,233.10"
    assert formatting.in_unit is in_unit
