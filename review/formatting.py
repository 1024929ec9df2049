"""Money as the filing printed it: in the table's unit, with thousands separators.

Yuan per unit (`千元` included) is the contract's: `budget_filing.units.in_unit`.
"""

from __future__ import annotations

from decimal import Decimal

from budget_filing.units import in_unit

__all__ = ["in_unit", "printed", "signed", "yuan"]


def printed(value: Decimal | None, unit: str) -> str:
    """``72338000.00`` in a 万元 table is ``7,233.80``; ``85684`` is ``8.5684`` (as many places as it has)."""
    shown = in_unit(value, unit)
    if shown is None:
        return ""
    shown = shown.normalize()
    exponent = shown.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{shown:,.{places}f}"


def signed(value: Decimal | None, unit: str) -> str:
    """A change as :func:`printed`, a gain marked ``+`` as a loss is marked ``-``."""
    text = printed(value, unit)
    return f"+{text}" if value is not None and value > 0 else text


def yuan(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f} 元"
