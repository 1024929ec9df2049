"""Amounts as the rules see them: yuan Decimals, printed units and rounding steps.

A `budget-filing/1` document stores every amount in yuan, whatever unit the
table was printed in.  The tolerance a rule may allow, and the way a figure is
shown back to the reviewer, both depend on that printed unit (and, for a 元
table, on whether it was printed in whole yuan or with two decimals): a sum of
n printed figures may be off by n printed steps, never more; the unit factors
themselves are the contract's (`budget_filing.units`, `千元` included), the steps,
rounding and display built on them live here.  No float ever touches an amount.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Yuan per printed unit and the unit shown in messages come from the contract
# (`budget_filing.units`).  Unknown units count as yuan: a wrong guess there only
# makes the tolerance stricter, never hides a real error.
from budget_filing.units import CENT, factor, known_unit

ZERO = Decimal("0")


def step(unit: str | None) -> Decimal:
    """One step of the printed unit, in yuan: 0.01 万元 = 100 元, 0.01 元 = 0.01 元."""
    return factor(unit) * CENT


def to_decimal(value: object) -> Decimal | None:
    """An amount cell as a Decimal; blank, dash or unreadable text is None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Never expected in the format; go through str so 0.1 stays 0.1.
        value = str(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    if text in ("", "-", "—", "–", "－"):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def or_zero(value: Decimal | None) -> Decimal:
    """A blank cell counts as zero in sums and differences."""
    return ZERO if value is None else value


def total(values: Iterable[Decimal | None]) -> Decimal:
    """Sum with blanks as zero."""
    result = ZERO
    for v in values:
        if v is not None:
            result += v
    return result


def round_to(amount: Decimal, unit_step: Decimal) -> Decimal:
    """`amount` rounded half-up to a multiple of `unit_step` (both in yuan)."""
    return (amount / unit_step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * unit_step


def printed_step(unit: str | None, values: Iterable[Decimal]) -> Decimal:
    """The step a table was printed in, in yuan: its unit's, or 1 元 for a 元 table whose
    amounts are all whole (`.00`): a table printed in whole yuan rounded every figure to 1 元."""
    unit_step = step(unit)
    if factor(unit) != 1:
        return unit_step
    for v in values:
        if v != v.to_integral_value():
            return unit_step
    return Decimal(1)


def parts_of(values: Iterable[Decimal | None]) -> int:
    """How many printed figures a sum adds: blank and zero ones carry no rounding."""
    return sum(1 for v in values if v)


def tolerance(unit_step: Decimal, parts: int = 1) -> Decimal:
    """How far a printed total may be from the sum of `parts` printed figures: one printed
    step per part (each was rounded on its own), and at least one step."""
    return unit_step * max(1, parts)


def within_step(printed: Decimal, expected: Decimal, unit_step: Decimal, parts: int = 1) -> bool:
    """True when a printed total/split/增减数 is off by at most one printed step per part."""
    return abs(printed - expected) <= tolerance(unit_step, parts)


def same_after_rounding(a: Decimal, b: Decimal, coarse_step: Decimal) -> bool:
    """Two prints of one figure agree once both are rounded to the coarser step."""
    return round_to(a, coarse_step) == round_to(b, coarse_step)


def fmt(amount: Decimal | None, unit: str | None) -> str:
    """`amount` (yuan) written in the printed unit: 2301300 in 万元 → "230.13".

    Two decimals as printed; a figure that carries more precision than that
    (8.5684 万元) keeps it, because hiding it would hide the reason for a finding.
    """
    if amount is None:
        return "空白"
    value = amount / factor(unit)
    cents = value.quantize(CENT)
    if cents == value:
        return f"{cents:f}"
    return f"{value.normalize():f}"


def fmt_unit(amount: Decimal | None, unit: str | None) -> str:
    """`fmt` plus the unit name: "230.13 万元"."""
    return f"{fmt(amount, unit)} {known_unit(unit)}"
