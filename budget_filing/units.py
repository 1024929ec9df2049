"""Units a filing prints its amounts in, and the one conversion to yuan.

Money never passes through float: printed text goes to Decimal, Decimal to the schema's
two-place yuan string.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

YUAN: Final = "元"
UNIT_FACTORS: Final[dict[str, Decimal]] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
}
UNITS: Final = tuple(UNIT_FACTORS)
CENT: Final = Decimal("0.01")
# `单位：万元`, `金额单位：元`, `（万元）`, `(元)`
_UNIT_LINE = re.compile(r"单位\s*[:：]?\s*(亿元|千元|万元|元)")
_UNIT_PAREN = re.compile(r"[（(]\s*(亿元|千元|万元|元)\s*[)）]")


def factor(unit: str | None) -> Decimal:
    """Yuan per printed unit; an unknown or missing unit is yuan."""
    return UNIT_FACTORS.get((unit or "").strip(), Decimal(1))


def known_unit(unit: str | None) -> str:
    """The unit if we know it, else yuan."""
    u = (unit or "").strip()
    return u if u in UNIT_FACTORS else YUAN


def to_yuan(value: Decimal | None, unit: str | None) -> str | None:
    """An amount in `unit` as the schema's two-place yuan string."""
    if value is None:
        return None
    return str((value * factor(unit)).quantize(CENT, rounding=ROUND_HALF_UP))


def in_unit(value: Decimal | None, unit: str | None) -> Decimal | None:
    """A yuan amount back in the printed unit."""
    return None if value is None else value / factor(unit)


def unit_in(text: str) -> str | None:
    """The unit named in a `单位：万元` line or a `（万元）` header, if any."""
    m = _UNIT_LINE.search(text) or _UNIT_PAREN.search(text)
    return m.group(1) if m else None
