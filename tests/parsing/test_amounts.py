"""Printed amounts -> Decimal yuan strings (units and `unit_in`: tests/contract/test_units.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from filings.parsing.amounts import AmountError, parse_amount, yuan


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
        ("7,233.1", "千元", "7233100.00"),
    ],
)
def test_yuan(text: str, unit: str, expected: str) -> None:
    assert yuan(text, unit) == expected
