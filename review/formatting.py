"""Money as the filing printed it: in the table's unit, with thousands separators."""

from __future__ import annotations

from decimal import Decimal

UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}


def in_unit(value: Decimal | None, unit: str) -> Decimal | None:
    if value is None:
        return None
    return value / UNIT_FACTORS.get(unit, Decimal(1))


def printed(value: Decimal | None, unit: str) -> str:
    """``72338000.00`` in a 万元 table is ``7,233.80``; ``85684`` is ``8.5684`` (as many places as it has)."""
    shown = in_unit(value, unit)
    if shown is None:
        return ""
    shown = shown.normalize()
    places = max(2, -shown.as_tuple().exponent) if isinstance(shown.as_tuple().exponent, int) else 2
    return f"{shown:,.{places}f}"


def yuan(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f} 元"
