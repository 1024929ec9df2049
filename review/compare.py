"""Initial vs adjusted (and year over year) per function class and per project, for table and chart."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from budget_filing.kinds import FUNCTIONAL, PROJECT

CHART_WIDTH = 360  # px of the longest bar in the server-made SVG


@dataclass
class Bar:
    label: str
    before: Decimal | None
    after: Decimal | None
    before_width: int = 0
    after_width: int = 0

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def _amount(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _scaled(bars: list[Bar]) -> list[Bar]:
    top = max((abs(v) for b in bars for v in (b.before, b.after) if v is not None), default=Decimal(0))
    for bar in bars:
        bar.before_width = int(abs(bar.before or 0) * CHART_WIDTH / top) if top else 0
        bar.after_width = int(abs(bar.after or 0) * CHART_WIDTH / top) if top else 0
    return bars


def _tables(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [t for t in doc.get("tables", []) if t["kind"] == kind]


def function_classes(doc: dict[str, Any]) -> list[Bar]:
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
    return _scaled(bars)


def projects(doc: dict[str, Any]) -> list[Bar]:
    bars = [
        Bar(row["name"], _amount(row.get("initial")), _amount(row.get("adjusted")))
        for table in _tables(doc, PROJECT)
        for row in table["rows"]
        if not row.get("subtotal")
    ]
    return _scaled(bars)


def _final_by_class(doc: dict[str, Any]) -> dict[str, tuple[str, Decimal | None]]:
    out = {}
    for table in _tables(doc, FUNCTIONAL):
        for row in table["rows"]:
            if row.get("code") and len(row["code"]) == 3:
                final = (row.get("adjusted") or {}).get("total") or (row.get("initial") or {}).get("total")
                out[row["code"]] = (row["name"], _amount(final))
    return out


def year_over_year(previous: dict[str, Any], current: dict[str, Any]) -> list[Bar]:
    before, after = _final_by_class(previous), _final_by_class(current)
    codes = sorted(set(before) | set(after))
    return _scaled(
        [
            Bar(
                f"{code} {(after.get(code) or before.get(code))[0]}",
                before.get(code, ("", None))[1],
                after.get(code, ("", None))[1],
            )
            for code in codes
        ]
    )
