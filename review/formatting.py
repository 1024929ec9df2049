"""Money as the filing printed it: in the table's unit, with thousands separators.

Yuan per unit (`千元` included) is the contract's: `budget_filing.units.in_unit`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from budget_filing.units import in_unit

__all__ = ["figure", "figure_value", "in_unit", "printed", "signed", "yuan"]


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


# A figure a finding stored as text: a yuan amount where the rule gave one, else words.
PLAIN_FIGURE = re.compile(r"-?\d+(\.\d+)?")


def figure_value(text: str, unit: str) -> Decimal | str:
    """A finding's printed or expected figure in its table's unit, or its text as stored."""
    if not unit or not PLAIN_FIGURE.fullmatch(text or ""):
        return text
    try:
        shown = in_unit(Decimal(text), unit)
    except InvalidOperation:
        return text
    return text if shown is None else shown


def figure(text: str, unit: str) -> str:
    """A finding's figure as the page shows it: ``167.53 万元``, not the stored ``1675300.00``."""
    if isinstance(figure_value(text, unit), str):
        return text
    return f"{printed(Decimal(text), unit)} {unit}"
