"""Reading a performance indicator's value: `≥760次`, `≤13.6万元`, `=100%`, `2025年12月底前`.

Indicator values stay as printed in the parsed filing; this helper is for checks that
need the number (a rate above 100 %, a cost cap above the funds, a stale deadline).
"""
from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

_OPERATORS = {
    "≥": "≥", ">=": "≥", "＞=": "≥", "≤": "≤", "<=": "≤", "＜=": "≤", "=": "=", "＝": "=",
    "==": "=", ">": ">", "＞": ">", "<": "<", "＜": "<",
}
_OPERATOR = re.compile(r"^(>=|<=|＞=|＜=|==|[≥≤=＝>＞<＜])")
_NUMBER = re.compile(r"^([+-]?\d+(?:,\d{3})*(?:\.\d+)?)")
_MONEY = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000),
          "亿元": Decimal(100000000)}
_SCALE = {"万": Decimal(10000), "亿": Decimal(100000000)}

# 2025年12月31日前, 2025年12月底前, 12月底前, 2025年底前, 2023年末, 2025.12.31
_DATE_YMD = re.compile(r"(?:(\d{4})\s*[年.\-/])?\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*[日号]?")
_DATE_YM_END = re.compile(r"(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(?:底|末|末前|前)")
_DATE_Y_END = re.compile(r"(\d{4})\s*年\s*(?:底|末|年底|年末)")
_BARE_YEAR_END = re.compile(r"^(?:本年|当年|年)(?:底|末)")


def _deadline(text: str, year: int | None) -> datetime.date | None:
    m = _DATE_YMD.search(text)
    if m and ("日" in text or "号" in text or m.group(1)):
        y = int(m.group(1)) if m.group(1) else year
        if y is not None:
            try:
                return datetime.date(y, int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    m = _DATE_YM_END.search(text)
    if m:
        y = int(m.group(1)) if m.group(1) else year
        month = int(m.group(2))
        if y is not None and 1 <= month <= 12:
            return datetime.date(y, month, calendar.monthrange(y, month)[1])
    m = _DATE_Y_END.search(text)
    if m:
        return datetime.date(int(m.group(1)), 12, 31)
    if year is not None and _BARE_YEAR_END.search(text):
        return datetime.date(year, 12, 31)
    return None


def parse_indicator_value(text: str | None, year: int | None = None) -> dict[str, Any] | None:
    """What an indicator value says, or None when it says no number and no date.

    Returns a dict with
      `operator`: `≥ ≤ = > <` or None;
      `number`: the printed number (Decimal) or None;
      `unit`: the unit as printed after the number (`次`, `%`, `万元`, `元/年/人`) or None;
      `quantity`: the number in base units: yuan for money (`≤13.6万元` -> 136000),
        `万`/`亿` multiplied out (`≥9.8万人` -> 98000), else the number itself;
      `quantity_unit`: the unit of `quantity` (`元` for money, `人` for `万人`, else `unit`);
      `deadline`: a datetime.date for a time limit (`2025年12月31日前`, `2025年12月底前`,
        `12月底前` with `year`), else None.
    """
    if text is None:
        return None
    t = "".join(str(text).split())
    if not t:
        return None
    deadline = _deadline(t, year)
    if deadline is None and (_DATE_YM_END.search(t) or re.search(r"\d\s*月\s*\d+\s*[日号]", t)):
        return None  # a date whose year we are not told
    rest = t
    operator = None
    m = _OPERATOR.match(rest)
    if m:
        operator = _OPERATORS[m.group(1)]
        rest = rest[m.end():]
    number = None
    unit: str | None = None
    n = _NUMBER.match(rest)
    if n and deadline is None:
        try:
            number = Decimal(n.group(1).replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex admits only numbers
            number = None
        unit = rest[n.end():] or None
    if number is None and deadline is None:
        return None
    quantity = number
    quantity_unit = unit
    if number is not None and unit:
        head = re.match(r"^(亿元|千元|万元|元)", unit)
        if head:
            quantity = number * _MONEY[head.group(1)]
            quantity_unit = "元" + unit[head.end():]
        elif unit[0] in _SCALE and len(unit) > 1:
            quantity = number * _SCALE[unit[0]]
            quantity_unit = unit[1:]
    return {"operator": operator, "number": number, "unit": unit, "quantity": quantity,
            "quantity_unit": quantity_unit, "deadline": deadline, "text": t}
