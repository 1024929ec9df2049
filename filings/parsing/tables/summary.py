"""`income_expense_summary`: the 收支总体情况表, income and expense side by side."""
from __future__ import annotations

from typing import Any

from ..amounts import yuan
from ..titles import squash
from .base import Builder, Row, is_label_header

COLS = ("initial", "adjusted", "change")


def _side(path: tuple[str, ...]) -> str | None:
    for t in path:
        if t.startswith("收入") or t == "收":
            return "income"
        if t.startswith("支出") or t == "支":
            return "expense"
    return None


class SummaryBuilder(Builder):
    def __init__(self, kind: str, title: str | None, page: int | None) -> None:
        super().__init__(kind, title, page)
        self.sides: dict[str, list[dict[str, Any]]] = {"income": [], "expense": []}

    def data(self, row: Row) -> None:
        found: dict[str, dict[str, Any]] = {}
        # where the expense half begins, for headers that name the side only over the
        # label column (`收入项目 | 预算数 | 支出项目 | 预算数`)
        expense_x = min((h.x0 for h in self.columns.cells if _side((h.text,)) == "expense"),
                        default=None)
        for cell in row.starting:
            path = self.columns.path(cell.cx)
            side = _side(path)
            if side is None and expense_x is not None and self.columns.column_set(path) is not None:
                side = "income" if cell.cx < expense_x else "expense"
            if side is None:
                continue
            entry = found.setdefault(side, {"label": "", **{c: None for c in COLS}})
            if any(is_label_header(t) for t in path[1:] or path):
                entry["label"] += squash(cell.text)
            else:
                cols = self.columns.column_set(path)
                if cols is not None and entry[cols] is None:
                    entry[cols] = cell.text
        for side, entry in found.items():
            amounts = {c: yuan(entry[c], self.unit or "元") for c in COLS}
            if not entry["label"] and all(v is None for v in amounts.values()):
                continue
            self.sides[side].append({"side": side, "label": entry["label"], **amounts,
                                     **row.provenance()})

    def result(self) -> dict[str, Any] | None:
        rows = self.sides["income"] + self.sides["expense"]
        if not rows:
            return None
        return {**self.header(), "rows": rows}
