"""Initial vs adjusted (and year over year) per function class and per project, for table and chart.

A chart carries the unit its amounts are shown in: the printed unit of the table its figures
come from (amounts stay yuan Decimals; the template converts them for display).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budget_filing.kinds import FUNCTIONAL, PROJECT
from budget_filing.units import YUAN, known_unit

from .formatting import printed

CHART_WIDTH = 360  # px of the longest bar in the server-made SVG
ROW_HEIGHT = 24  # px per bar pair: a 12 px label and two 8 px bars
LABEL_WIDTH = 300  # px left of the bars: 24 characters of a 12 px label


@dataclass
class Bar:
    label: str
    before: Decimal | None
    after: Decimal | None
    before_width: int = 0
    after_width: int = 0
    y: int = 0  # px from the chart's top
    before_text: str = ""  # the amounts in the chart's unit, for the bars' hover text
    after_text: str = ""

    @property
    def change(self) -> Decimal | None:
        """after − before; a side left blank is nothing, so an added row gains its whole amount."""
        if self.before is None and self.after is None:
            return None
        return (self.after or Decimal(0)) - (self.before or Decimal(0))


@dataclass
class Chart:
    """Bars in the unit ``unit`` (a table's printed unit), with the SVG's layout worked out."""

    bars: list[Bar] = field(default_factory=list)
    unit: str = YUAN

    def __bool__(self) -> bool:
        return bool(self.bars)

    def __len__(self) -> int:
        return len(self.bars)

    def __iter__(self) -> Iterator[Bar]:
        return iter(self.bars)

    @property
    def height(self) -> int:
        return (len(self.bars) + 1) * ROW_HEIGHT  # the legend takes the first row

    @property
    def width(self) -> int:
        return LABEL_WIDTH + CHART_WIDTH + 10

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH


def _amount(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _chart(bars: list[Bar], unit: str) -> Chart:
    top = max((abs(v) for b in bars for v in (b.before, b.after) if v is not None), default=Decimal(0))
    for i, bar in enumerate(bars, start=1):
        bar.before_width = int(abs(bar.before or Decimal(0)) * CHART_WIDTH / top) if top else 0
        bar.after_width = int(abs(bar.after or Decimal(0)) * CHART_WIDTH / top) if top else 0
        bar.y = i * ROW_HEIGHT
        bar.before_text, bar.after_text = printed(bar.before, unit), printed(bar.after, unit)
    return Chart(bars, unit)


def _tables(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [t for t in doc.get("tables", []) if t["kind"] == kind]


def unit_of(doc: dict[str, Any], kind: str) -> str:
    """The printed unit of the filing's first table of ``kind`` (yuan if it has none)."""
    return next((known_unit(t.get("unit")) for t in _tables(doc, kind)), YUAN)


def function_classes(doc: dict[str, Any]) -> Chart:
    bars = []
    for table in _tables(doc, FUNCTIONAL):
        for row in table["rows"]:
            if row.get("code") and len(row["code"]) == 3:
                bars.append(
                    Bar(
                        f"{row['code']} {row['name']}",
                        _amount((row.get("initial") or {}).get("total")),
                        _amount((row.get("adjusted") or {}).get("total")),
                    )
                )
    return _chart(bars, unit_of(doc, FUNCTIONAL))


def projects(doc: dict[str, Any]) -> Chart:
    bars = [
        Bar(row["name"], _amount(row.get("initial")), _amount(row.get("adjusted")))
        for table in _tables(doc, PROJECT)
        for row in table["rows"]
        if not row.get("subtotal")
    ]
    return _chart(bars, unit_of(doc, PROJECT))


def _final_by_class(doc: dict[str, Any]) -> dict[str, tuple[str, Decimal | None]]:
    out = {}
    for table in _tables(doc, FUNCTIONAL):
        for row in table["rows"]:
            if row.get("code") and len(row["code"]) == 3:
                final = (row.get("adjusted") or {}).get("total") or (row.get("initial") or {}).get("total")
                out[row["code"]] = (row["name"], _amount(final))
    return out


def year_over_year(previous: dict[str, Any], current: dict[str, Any]) -> Chart:
    """Each class's final figure in the two years, in the current filing's printed unit."""
    before, after = _final_by_class(previous), _final_by_class(current)
    codes = sorted(set(before) | set(after))
    bars = [
        Bar(
            f"{code} {(after.get(code) or before.get(code))[0]}",  # type: ignore[index]
            before.get(code, ("", None))[1],
            after.get(code, ("", None))[1],
        )
        for code in codes
    ]
    return _chart(bars, unit_of(current if _tables(current, FUNCTIONAL) else previous, FUNCTIONAL))
