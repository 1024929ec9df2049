"""A small parser for performance-indicator values and the dates inside them.

Indicator values are free text typed into a spreadsheet: `≥760次`, `≤136.9万元`,
`=100%`, `0`, `按文件规定予以补贴`, `2025年12月31日前`.  The rules only need
the operator, the number, the unit (with 万/亿 folded into the number) and,
for 时效 indicators, any deadline.  Anything that does not read as a number is
kept as text and ignored by the numeric rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .names import clean

# Longest spellings first so "≥" does not swallow the start of ">=".
_OPERATORS: tuple[tuple[str, str], ...] = (
    (">=", "≥"),
    ("<=", "≤"),
    ("≧", "≥"),
    ("≦", "≤"),
    ("≥", "≥"),
    ("≤", "≤"),
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("不小于", "≥"),
    ("大于等于", "≥"),
    ("不高于", "≤"),
    ("不超过", "≤"),
    ("不大于", "≤"),
    ("小于等于", "≤"),
    ("==", "="),
    ("=", "="),
    (">", ">"),
    ("<", "<"),
    ("大于", ">"),
    ("小于", "<"),
)
_NUMBER = re.compile(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?")
_MAGNITUDES: tuple[tuple[str, Decimal], ...] = (
    ("亿", Decimal("100000000")),
    ("万", Decimal("10000")),
)
MONEY_UNITS = frozenset({"元"})

# 2025年, 2025年12月, 2025年12月31日, optionally followed by a word that makes
# it a limit (前, 底前, 年底, 末, 止 ...).
_DATE = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年(?:度)?"
    r"(?:\s*(?P<month>\d{1,2})\s*月(?!\s*[-~至到]))?"
    r"(?:\s*(?P<day>\d{1,2})\s*[日号])?"
    r"(?P<suffix>(?:年?底|末)?(?:之前|以前|前|止)?|底|末)"
)


@dataclass(frozen=True)
class Value:
    """One indicator value, read.

    `number` is scaled by any 万/亿 so `≥9.8万人` is 98000 with unit `人`;
    `unit` is what follows the number (`人`, `元`, `%`, `元/人`, `%左右`).
    """

    text: str
    op: str | None
    number: Decimal | None
    unit: str

    @property
    def is_numeric(self) -> bool:
        return self.number is not None

    @property
    def is_money(self) -> bool:
        """A plain amount of money (元, 万元, 亿元), not a rate like 元/人."""
        return self.number is not None and self.unit in MONEY_UNITS

    @property
    def is_percent(self) -> bool:
        return self.number is not None and self.unit.startswith("%")

    @property
    def is_cap(self) -> bool:
        """An upper bound: `≤N` or `<N`."""
        return self.op in ("≤", "<")


@dataclass(frozen=True)
class Deadline:
    """A date read as a limit; month/day None when not printed."""

    year: int
    month: int | None
    day: int | None
    text: str


def parse_value(raw: object) -> Value:
    """Read an indicator value; a value that has no leading number keeps number None."""
    text = clean(raw).replace("％", "%")
    rest = text
    op = None
    for spelling, symbol in _OPERATORS:
        if rest.startswith(spelling):
            op, rest = symbol, rest[len(spelling) :]
            break
    match = _NUMBER.match(rest)
    if not match:
        return Value(text, op, None, rest)
    try:
        number = Decimal(match.group().replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex only admits digits
        return Value(text, op, None, rest)
    unit = rest[match.end() :]
    for prefix, factor in _MAGNITUDES:
        if unit.startswith(prefix):
            number *= factor
            unit = unit[len(prefix) :]
            break
    # A date such as "2024年度" is not a quantity of 年.
    if unit.startswith("年") and _DATE.match(rest):
        return Value(text, op, None, rest)
    return Value(text, op, number, unit)


def deadlines(raw: object, *, whole_value: bool = False) -> list[Deadline]:
    """Dates in `raw` that read as limits.

    A date counts when a limit word follows it (`2023年12月前`, `2022年底前`,
    `2024年末`).  With `whole_value` a value that is nothing but a date, maybe
    after `≤`/`=`, counts too (`≤2024年末`, `=2023年度`): in a 时效 value the
    date itself is the target.
    """
    text = clean(raw)
    found: list[Deadline] = []
    for m in _DATE.finditer(text):
        bare = text[: m.start()].lstrip("≤<=") == "" and m.end() == len(text)
        if not m.group("suffix") and not (whole_value and bare):
            continue
        found.append(
            Deadline(
                int(m.group("year")),
                int(m.group("month")) if m.group("month") else None,
                int(m.group("day")) if m.group("day") else None,
                m.group(),
            )
        )
    return found
