"""Amounts as printed -> Decimal yuan, and the unit a table is printed in.

Money never passes through float: the printed text goes straight to Decimal. The units and
their factors (`千元` included) are the contract's, `budget_filing.units`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from budget_filing.units import to_yuan, unit_in

__all__ = ["AmountError", "is_amount", "is_blank", "parse_amount", "to_yuan", "unit_in", "yuan"]

# what a blank amount cell may hold instead of a number
_DASHES = re.compile(r"^[-—–－―‐~～/／\\.。…·]*$")
_NUMBER = re.compile(r"^[+-]?(\d+(,\d{3})*|\d*)(\.\d+)?$")
_MINUS = str.maketrans(
    {"−": "-", "－": "-", "–": "-", "—": "-", "，": ",", "．": ".", "＋": "+", "（": "(", "）": ")"}
)


class AmountError(ValueError):
    """Text in an amount cell that is no number."""


def parse_amount(text: str | None) -> Decimal | None:
    """A printed amount as a Decimal in its printed unit; None for a blank or a dash.

    Accepts thousands separators, a leading minus (also `−`, full-width forms), a
    trailing or parenthesised negative (`(1,234.00)`), and a trailing `%`-free number.
    Raises AmountError for anything else.
    """
    if text is None:
        return None
    t = "".join(text.split()).translate(_MINUS)
    if not t or _DASHES.match(t):
        return None
    negative = False
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1]
    elif t.endswith("-") and len(t) > 1:
        negative, t = True, t[:-1]
    if t.startswith("-"):
        negative, t = not negative, t[1:]
    elif t.startswith("+"):
        t = t[1:]
    if not _NUMBER.match(t) or not any(ch.isdigit() for ch in t):
        raise AmountError(f"不是金额：{text!r}")
    try:
        value = Decimal(t.replace(",", ""))
    except InvalidOperation as e:  # pragma: no cover - the regex admits only numbers
        raise AmountError(f"不是金额：{text!r}") from e
    return -value if negative else value


def is_blank(text: str | None) -> bool:
    """Whether an amount cell prints nothing: blank, or a dash or dots in its place."""
    t = "".join((text or "").split()).translate(_MINUS)
    return not t or bool(_DASHES.match(t))


def is_amount(text: str | None) -> bool:
    """Whether the text reads as a printed number (blank and dashes do not count)."""
    try:
        return parse_amount(text) is not None
    except AmountError:
        return False


def yuan(text: str | None, unit: str) -> str | None:
    """Printed amount text -> two-place yuan string; None for blanks, dashes and non-numbers."""
    try:
        return to_yuan(parse_amount(text), unit)
    except AmountError:
        return None
