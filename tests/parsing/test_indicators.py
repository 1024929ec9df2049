"""parse_indicator_value: operator, number, unit, quantity and deadline of a target.

The grammar itself is the contract's (tests/contract/test_values.py); these are the columns
the parser's public `parse_indicator_value` gives the stored Indicator.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from filings.parsing import parse_indicator_value


@pytest.mark.parametrize(
    "text, operator, number, unit, quantity, quantity_unit",
    [
        ("≥760次", "≥", "760", "次", "760", "次"),
        ("≤13.6万元", "≤", "13.6", "万元", "136000", "元"),
        ("=100%", "=", "100", "%", "100", "%"),
        ("≤800元", "≤", "800", "元", "800", "元"),
        (">=95%", "≥", "95", "%", "95", "%"),
        ("＜5%", "<", "5", "%", "5", "%"),
        ("≥9.8万人", "≥", "9.8", "万人", "98000", "人"),
        ("1人", None, "1", "人", "1", "人"),
        ("0", None, "0", None, "0", None),
        ("≤3,625,222.38元", "≤", "3625222.38", "元", "3625222.38", "元"),
        ("6000元/年/人", None, "6000", "元/年/人", "6000", "元/年/人"),
        ("≤250千元", "≤", "250", "千元", "250000", "元"),
        ("不低于95%", "≥", "95", "%", "95", "%"),
        ("≧90%", "≥", "90", "%", "90", "%"),
        ("20万元以内", "≤", "20", "万元", "200000", "元"),
    ],
)
def test_numbers(
    text: str, operator: str | None, number: str, unit: str | None, quantity: str, quantity_unit: str | None
) -> None:
    got = parse_indicator_value(text)
    assert got is not None
    assert got["operator"] == operator
    assert got["number"] == Decimal(number)
    assert got["unit"] == unit
    assert got["quantity"] == Decimal(quantity)
    assert got["quantity_unit"] == quantity_unit
    assert got["deadline"] is None


@pytest.mark.parametrize(
    "text, year, deadline",
    [
        ("2025年12月31日前", None, datetime.date(2025, 12, 31)),
        ("2025年12月底前", None, datetime.date(2025, 12, 31)),
        ("2024年6月底前", None, datetime.date(2024, 6, 30)),
        ("12月底前", 2025, datetime.date(2025, 12, 31)),
        ("≤2023年末", None, datetime.date(2023, 12, 31)),
        ("2025年底前", None, datetime.date(2025, 12, 31)),
        ("6月30日前", 2026, datetime.date(2026, 6, 30)),
        ("2025年底", None, datetime.date(2025, 12, 31)),
        ("=2023年度", None, datetime.date(2023, 12, 31)),
        ("2025.12.31", None, datetime.date(2025, 12, 31)),
    ],
)
def test_deadlines(text: str, year: int | None, deadline: datetime.date) -> None:
    got = parse_indicator_value(text, year=year)
    assert got is not None and got["deadline"] == deadline
    # a date is no quantity: `=2023年度` is not 2023 of 年度
    assert got["number"] is None and got["quantity"] is None and got["unit"] is None


def test_month_without_year_needs_one() -> None:
    assert parse_indicator_value("12月底前") is None


@pytest.mark.parametrize("text", ["有效选拔", "持续稳定", "", None, "按文件标准予以补贴"])
def test_words_say_nothing(text: str | None) -> None:
    assert parse_indicator_value(text) is None
