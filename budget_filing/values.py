"""The grammar of a performance indicator's value: `≥760次`, `≤13.6万元`, `=100%`, `2025年12月底前`.

Indicator values are free text typed into a spreadsheet, and stay as printed in a
`budget-filing/1` document. This module is the one reading of them that the parser's
stored columns and the anomaly rules share:

- an operator, by symbol (`≥ ≤ ≧ ≦ >= <= > < =`, full-width forms too) or by word
  (`不低于`, `不超过`, `达到` …, or a trailing `以上`/`以内`);
- a number and the unit printed after it, and the same as a quantity in base units:
  money in yuan (`≤13.6万元` is 136000 元, `千元` included, factors from
  `budget_filing.units`), `万`/`亿` multiplied out (`≥9.8万人` is 98000 人);
- a deadline: a date followed by a limit word (`2025年12月31日前`, `2025年底`,
  `12月底前` in the budget year) or a value that is nothing but a date (`=2023年度`);
- a template placeholder left in (`XXX`, `≥XX%`, `……`, `待定`).

Text is read in its NFKC form without whitespace (`budget_filing.text.nfkc`), so `＝１００％`
reads as `=100%`. Numbers are Decimal: a cost cap is money.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from .text import nfkc
from .units import UNIT_FACTORS, YUAN

GE: Final = "≥"
LE: Final = "≤"
EQ: Final = "="
GT: Final = ">"
LT: Final = "<"
OPERATORS: Final = (GE, LE, EQ, GT, LT)
CAPS: Final = (LE, LT)

# Spellings after NFKC (which already turns `＞＝＜` into `>=<`); matched longest first, so
# `不低于` is not read as `低于` and `>=` not as `>`.
_SPELLINGS: Final[dict[str, str]] = {
    ">=": GE,
    "≥": GE,
    "≧": GE,
    "⩾": GE,
    "不低于": GE,
    "不少于": GE,
    "不小于": GE,
    "大于等于": GE,
    "大于或等于": GE,
    "至少": GE,
    "达到": GE,
    "<=": LE,
    "≤": LE,
    "≦": LE,
    "⩽": LE,
    "不高于": LE,
    "不超过": LE,
    "不大于": LE,
    "不多于": LE,
    "小于等于": LE,
    "小于或等于": LE,
    "至多": LE,
    "最多": LE,
    "控制在": LE,
    "不晚于": LE,
    "不迟于": LE,
    "==": EQ,
    "=": EQ,
    "等于": EQ,
    ">": GT,
    "大于": GT,
    "高于": GT,
    "超过": GT,
    "多于": GT,
    "晚于": GT,
    "<": LT,
    "小于": LT,
    "低于": LT,
    "少于": LT,
    "早于": LT,
}
_OPERATOR = re.compile("|".join(re.escape(s) for s in sorted(_SPELLINGS, key=len, reverse=True)))
# `95%以上`, `5万元以内`: the bound written after the figure, when none is written before it.
_TRAILING: Final = (("及以上", GE), ("以上", GE), ("及以下", LE), ("以下", LE), ("以内", LE), ("之内", LE))

_NUMBER = re.compile(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?")
# Money units by their yuan factor, longest first so `万元` is not read as `元`.
_MONEY_UNITS: Final = tuple(sorted(UNIT_FACTORS.items(), key=lambda item: len(item[0]), reverse=True))
# Magnitudes in front of any other unit: `9.8万人`, `1.2亿人次`, `2000万` (a bare count).
_MAGNITUDES: Final = (
    ("千万", Decimal(10_000_000)),
    ("百万", Decimal(1_000_000)),
    ("亿", Decimal(100_000_000)),
    ("万", Decimal(10_000)),
    ("千", Decimal(1_000)),
)

# What a template leaves in a value nobody filled in: `XXX`, `≥XX%`, `xx人`, `……`, `待定`.
_PLACEHOLDER = re.compile(r"[xX×*]+\D{0,4}|[.。…·、]+|待定|暂无|无")

# ---- dates ---------------------------------------------------------------------------------
# Words after a date that make it a limit: 前, 之前, 以前, 止, 为止, 内, 以内 (`2025年内`);
# 底/末 end a year or a month (`2025年底`, `12月末`) and are limits by themselves.
# A bare 内 only where it cannot start another word (`2023年内容`, `年内控`).
_WITHIN = r"内(?![容部控涵外])"
_LIMIT = rf"(?:之前|以前|为止|以内|之内|前|止|{_WITHIN})"
_END = r"(?:年?底|年?末)"
# 2025年, 2025年度, 2025年12月, 2025年12月31日; of a range of months (`2024年1-6月`,
# `2024年1月至6月`) the last one.
_YEAR_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})年度?"
    r"(?:(?:\d{1,2}月?[-~至到])?(?P<month>\d{1,2})月(?![-~至到])(?:(?P<day>\d{1,2})[日号])?)?"
    rf"(?P<suffix>{_END}?{_LIMIT}?)"
)
# 2025.12.31, 2025-12-31, 2025/12/31
_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?P<year>(?:19|20)\d{2})(?P<sep>[./-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
    rf"(?![\d.])[日号]?(?P<suffix>{_LIMIT}?)"
)
# 12月底前, 6月30日前, 12月31日: a month without a year is the budget year's (and no date at
# all when the year is not known).
_MONTH_DATE = re.compile(
    r"(?<![\d年./\-~至到])(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})[日号])?"
    rf"(?P<suffix>(?:底|末)?{_LIMIT}?)"
)
# 本年底, 当年末, 今年内, 本年度末: the budget year's end.
_THIS_YEAR_END = re.compile(rf"(?<![\d年])(?:本|当|今)年度?(?:底|末|{_WITHIN})(?P<suffix>{_LIMIT}?)")
# 年底前, 年末: the same, where the text starts with it (after an operator); further in, 年末
# belongs to other words (`2025年末` is 2025's).
_BARE_YEAR_END = re.compile(rf"年度?(?:底|末)(?P<suffix>{_LIMIT}?)")


@dataclass(frozen=True)
class Deadline:
    """A date read as a limit; month and day None where not printed."""

    year: int
    month: int | None
    day: int | None
    text: str

    @property
    def date(self) -> datetime.date:
        """The last day the limit allows: that day, the month's end or the year's end."""
        if self.month is None:
            return datetime.date(self.year, 12, 31)
        if self.day is None:
            return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return datetime.date(self.year, self.month, self.day)


@dataclass(frozen=True)
class Value:
    """One indicator value, read.

    `number` and `unit` are as printed (`≥9.8万人`: 9.8, `万人`); `quantity` and
    `quantity_unit` the same in base units (98000, `人`; `≤13.6万元`: 136000, `元`).
    `unit` is "" when nothing follows the number.
    """

    text: str
    op: str | None
    number: Decimal | None
    unit: str
    quantity: Decimal | None
    quantity_unit: str
    deadline: Deadline | None
    is_placeholder: bool

    @property
    def is_numeric(self) -> bool:
        return self.quantity is not None

    @property
    def is_money(self) -> bool:
        """A plain amount of money (元, 千元, 万元, 亿元), not a rate like 元/人."""
        return self.quantity is not None and self.quantity_unit == YUAN

    @property
    def is_percent(self) -> bool:
        return self.quantity is not None and self.quantity_unit.startswith("%")

    @property
    def is_cap(self) -> bool:
        """An upper bound: `≤N`, `<N`, `不超过N`, `N以内`."""
        return self.op in CAPS


def read_operator(text: str) -> tuple[str | None, str]:
    """(the operator folded `text` starts with, the rest); (None, text) when it has none."""
    m = _OPERATOR.match(text)
    if not m:
        return None, text
    return _SPELLINGS[m[0]], text[m.end() :]


def _deadline(year: int, month: str | None, day: str | None, text: str) -> Deadline | None:
    """A Deadline, or None for a date that cannot be (a 13th month, 30 February)."""
    m, d = (int(month) if month else None), (int(day) if day else None)
    try:
        datetime.date(year, m or 12, d or 1)
    except ValueError:
        return None
    return Deadline(year, m, d, text)


def _dates(text: str, year: int | None) -> list[tuple[re.Match[str], Deadline, bool]]:
    """Every date in folded `text` as (where, what, whether a limit word says it is a limit).

    Dates without a printed year are the budget year's; without `year` they are left out.
    """
    found: list[tuple[re.Match[str], Deadline | None, bool]] = []
    for pattern in (_YEAR_DATE, _NUMERIC_DATE):
        found += [
            (m, _deadline(int(m["year"]), m["month"], m["day"], m[0]), bool(m["suffix"]))
            for m in pattern.finditer(text)
        ]
    if year is not None:
        found += [
            (m, _deadline(year, m["month"], m["day"], m[0]), bool(m["suffix"]))
            for m in _MONTH_DATE.finditer(text)
            if m["day"] or m["suffix"]
        ]
        # 底/末/内 make a limit of these by themselves.
        found += [(m, Deadline(year, None, None, m[0]), True) for m in _THIS_YEAR_END.finditer(text)]
        start = len(text) - len(read_operator(text)[1])
        bare = _BARE_YEAR_END.match(text, start)
        if bare:
            found.append((bare, Deadline(year, None, None, bare[0]), True))
    return sorted(((m, d, limit) for m, d, limit in found if d is not None), key=lambda f: f[0].start())


def _starts_with_date(text: str) -> bool:
    """Whether folded `text` starts with a date, so that its digits are no quantity (`2024年度`)."""
    if any(p.match(text) for p in (_YEAR_DATE, _NUMERIC_DATE, _THIS_YEAR_END, _BARE_YEAR_END)):
        return True
    m = _MONTH_DATE.match(text)
    return bool(m and (m["day"] or m["suffix"]))


def deadlines(raw: object, year: int | None = None, *, whole_value: bool = False) -> list[Deadline]:
    """Dates in `raw` that read as limits, in printed order.

    A date counts when a limit word follows it (`2023年12月前`, `2022年底前`, `2024年末`,
    `2025年内`). With `whole_value` a value that is nothing but a date, maybe after an
    operator, counts too (`≤2024年末`, `=2023年度`, `2025年12月31日`): in a 时效 value the
    date itself is the target. A month without a year (`12月底前`, `6月30日前`) is in the
    budget `year`, and is no date when `year` is None.
    """
    text = nfkc(raw)
    found = []
    for m, deadline, limit in _dates(text, year):
        prefix = text[: m.start()]
        bare = m.end() == len(text) and (prefix == "" or _OPERATOR.fullmatch(prefix) is not None)
        if limit or (whole_value and bare):
            found.append(deadline)
    return found


def _in_base_units(number: Decimal, unit: str) -> tuple[Decimal, str]:
    """`number unit` in yuan for money, with any 万/亿/千 multiplied out otherwise."""
    for name, factor in _MONEY_UNITS:
        if unit.startswith(name):
            return number * factor, YUAN + unit[len(name) :]
    for prefix, factor in _MAGNITUDES:
        if unit.startswith(prefix):
            # again: `千万元` is 千万 then 元
            return _in_base_units(number * factor, unit[len(prefix) :])
    return number, unit


def parse_value(raw: object, year: int | None = None) -> Value:
    """Read an indicator value; a value with no leading number keeps number and quantity None.

    `year` is the budget year, for deadlines that print no year of their own (`12月底前`).
    """
    text = nfkc(raw)
    op, rest = read_operator(text)
    found = deadlines(text, year, whole_value=True)
    number = quantity = None
    unit = quantity_unit = ""
    match = None if _starts_with_date(rest) else _NUMBER.match(rest)
    if match:
        # the regex admits nothing Decimal cannot read
        number = Decimal(match[0].replace(",", ""))
        unit = rest[match.end() :]
        for word, bound in _TRAILING:
            if unit.endswith(word):
                op, unit = op or bound, unit[: -len(word)]
                break
        quantity, quantity_unit = _in_base_units(number, unit)
    return Value(
        text=text,
        op=op,
        number=number,
        unit=unit,
        quantity=quantity,
        quantity_unit=quantity_unit,
        deadline=found[0] if found else None,
        is_placeholder=_PLACEHOLDER.fullmatch(rest) is not None,
    )


def parse_indicator_value(text: str | None, year: int | None = None) -> dict[str, Any] | None:
    """The value as the stored indicator columns want it, or None when it says no number and no date.

    Keys: `operator` (`≥ ≤ = > <` or None); `number` and `unit` as printed (unit None when
    nothing follows the number); `quantity` and `quantity_unit` in base units (`≤13.6万元`:
    136000, `元`; `≥9.8万人`: 98000, `人`); `deadline`, the last day a time limit allows
    (a datetime.date) or None; `text`, the value as read (NFKC, no whitespace).
    """
    value = parse_value(text, year)
    if value.number is None and value.deadline is None:
        return None
    return {
        "operator": value.op,
        "number": value.number,
        "unit": value.unit or None,
        "quantity": value.quantity,
        "quantity_unit": value.quantity_unit or None,
        "deadline": value.deadline.date if value.deadline else None,
        "text": value.text,
    }
