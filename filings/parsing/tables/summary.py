"""`income_expense_summary`: the 收支总表, income and expense side by side.

It is a grid with two sides (see `grid`), each of whose panels prints one amount column
(预算数, 金额) or the three of an adjustment (年初, 调整, 增减). A side may print two
breakdowns next to each other (by function and by use): each is a panel, listed in turn. A
收支总表 whose columns fit neither is kept as a grid of role `summary`.
"""

from __future__ import annotations

from typing import Any

from budget_filing.kinds import COLUMN_SETS, SUMMARY_GRID

from .base import column_set, header_text, is_note_header
from .grid import GridBuilder


class SummaryBuilder(GridBuilder):
    def __init__(self, kind: str, title: str | None, page: int | None, role: str = SUMMARY_GRID) -> None:
        super().__init__(kind, title, page, role=SUMMARY_GRID)
        self.kind = kind

    def _column_sets(self) -> list[dict[str, str]] | None:
        """Per panel, value column name -> column set; None when a panel does not fit."""
        out = []
        for panel in self.panels:
            if panel.side is None:
                return None
            named: dict[str, str] = {}
            for col in panel.value_columns:
                path = tuple(header_text(t) for t in col.path)
                if any(is_note_header(t) for t in path):
                    continue
                cols = column_set(path[-1:]) or column_set(path)
                if cols is None or cols in named.values():
                    return None
                named[col.name] = cols
            if len(named) not in (1, 3):
                return None
            out.append(named)
        return out

    def result(self) -> dict[str, Any] | None:
        grid = super().result()
        if grid is None:
            return None
        sets = self._column_sets()
        if sets is None:
            return grid
        by_panel = {id(p): s for p, s in zip(self.panels, sets, strict=True)}
        rows = []
        order = sorted(range(len(self.panels)), key=lambda n: 0 if self.panels[n].side == "income" else 1)
        for n in order:
            named = by_panel[id(self.panels[n])]
            for r in self.panel_rows[n]:
                amounts = {c: None for c in COLUMN_SETS}
                for name, cols in named.items():
                    amounts[cols] = r["values"].get(name)
                if not r["label"] and all(v is None for v in amounts.values()):
                    continue
                rows.append(
                    {
                        "side": r["side"],
                        "label": r["label"] or "",
                        **amounts,
                        "page": r["page"],
                        "bbox": r["bbox"],
                    }
                )
        if not rows:
            return None
        head = self.header()
        head["kind"] = self.kind
        return {**head, "rows": rows}
