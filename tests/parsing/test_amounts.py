"""Printed amounts -> Decimal yuan strings; the unit from `单位：` lines and headers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from filings.parsing.amounts import AmountError, parse_amount, to_yuan, unit_in, yuan


@pytest.mark.parametrize(
    "text, expected",
    [
        ("100,799,379.78", Decimal("100799379.78")),
        ("-15,549,968.16", Decimal("-15549968.16")),
        ("－1,680.70", Decimal("-1680.70")),
        ("−5.00", Decimal("-5.00")),
        ("(1,234.00)", Decimal("-1234.00")),
        ("0", Decimal("0")),
        ("11351.7986", Decimal("11351.7986")),
        (" 1 234.50 ", Decimal("1234.50")),
        ("+3.5", Decimal("3.5")),
    ],
)
def test_parse_amount(text: str, expected: Decimal) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", [None, "", "  ", "-", "—", "－", "--", "……"])
def test_blank_and_dashes_are_none(text: str | None) -> None:
    assert parse_amount(text) is None
    assert yuan(text, "万元") is None


@pytest.mark.parametrize("text", ["abc", "1.2.3", "≥12次", "12元"])
def test_non_numbers_raise(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text)
    assert yuan(text, "元") is None


@pytest.mark.parametrize(
    "text, unit, expected",
    [
        ("723.31", "万元", "7233100.00"),
        ("11,351.7986", "万元", "113517986.00"),
        ("-4,277.21", "万元", "-42772100.00"),
        ("136,000", "元", "136000.00"),
        ("1.5", "亿元", "150000000.00"),
        ("0.005", "元", "0.01"),
        ("0", "万元", "0.00"),
    ],
)
def test_yuan(text: str, unit: str, expected: str) -> None:
    assert yuan(text, unit) == expected


def test_to_yuan_keeps_decimal_exact() -> None:
    # 0.1 + 0.2 is no problem for Decimal, which money must never leave
    assert to_yuan(Decimal("0.1") + Decimal("0.2"), "万元") == "3000.00"
    assert to_yuan(None, "元") is None


@pytest.mark.parametrize(
    "text, unit",
    [
        ("单位：元", "元"),
        ("单位:万元", "万元"),
        ("金额单位：万元", "万元"),
        ("资金情况（万元）", "万元"),
        ("年度资金总额(万元):", "万元"),
        ("资金总额(元):", "元"),
        ("单位： 亿元", "亿元"),
        ("项目名称", None),
        ("万元户", None),
    ],
)
def test_unit_in(text: str, unit: str | None) -> None:
    assert unit_in(text) == unit
