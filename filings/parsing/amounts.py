"""Amounts as printed -> Decimal yuan, and the unit a table is printed in.

Money never passes through float: the printed text goes straight to Decimal.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

UNIT_FACTORS: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
}
CENT = Decimal("0.01")

# what a blank amount cell may hold instead of a number
_DASHES = re.compile(r"^[-—–－―‐~～/／\\.。…·]*$")
_NUMBER = re.compile(r"^[+-]?(\d+(,\d{3})*|\d*)(\.\d+)?$")
_MINUS = str.maketrans({"−": "-", "－": "-", "–": "-", "—": "-", "，": ",", "．": ".",
                        "＋": "+", "（": "(", "）": ")"})
# `单位：万元`, `金额单位：元`, `（万元）`, `(元)`
_UNIT_LINE = re.compile(r"单位\s*[:：]?\s*(亿元|千元|万元|元)")
_UNIT_PAREN = re.compile(r"[（(]\s*(亿元|千元|万元|元)\s*[)）]")


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


def is_amount(text: str | None) -> bool:
    """Whether the text reads as a printed number (blank and dashes do not count)."""
    try:
        return parse_amount(text) is not None
    except AmountError:
        return False


def to_yuan(value: Decimal | None, unit: str) -> str | None:
    """An amount in `unit` as the schema's two-place yuan string."""
    if value is None:
        return None
    factor = UNIT_FACTORS.get(unit, Decimal(1))
    return str((value * factor).quantize(CENT, rounding=ROUND_HALF_UP))


def yuan(text: str | None, unit: str) -> str | None:
    """Printed amount text -> two-place yuan string; None for blanks, dashes and non-numbers."""
    try:
        return to_yuan(parse_amount(text), unit)
    except AmountError:
        return None


def unit_in(text: str) -> str | None:
    """The unit named in a `单位：万元` line or a `（万元）` header, if any."""
    m = _UNIT_LINE.search(text) or _UNIT_PAREN.search(text)
    return m.group(1) if m else None
