"""`project_expenditure` (项目支出表) and `transfer_payment` (转移支付表).

Both list sections (`一、一般公共预算`) with their items (`(一) 考试考务经费`) under a
`合计` row; the templates' placeholder rows (`XXX项目`, `.....`) are not part of them.
"""

from __future__ import annotations

from typing import Any

from ..amounts import yuan
from ..titles import is_note, is_placeholder, label_level, squash, strip_numbering
from .base import Builder, Row, is_label_header, is_note_header

COLS = ("initial", "adjusted", "change")


class ProjectListBuilder(Builder):
    def __init__(self, kind: str, title: str | None, page: int | None) -> None:
        super().__init__(kind, title, page)
        self.rows: list[dict[str, Any]] = []
        self.section: str | None = None

    def data(self, row: Row) -> None:
        label = note = ""
        figures: dict[str, str] = {}
        for cell in row.starting:
            path = self.columns.path(cell.cx)
            if not path:
                continue
            if any(is_note_header(t) for t in path):
                note += squash(cell.text)
            elif any(is_label_header(t) for t in path):
                label += squash(cell.text)
            else:
                cols = self.columns.column_set(path)
                if cols is not None:
                    figures.setdefault(cols, cell.text)
        if not label or is_placeholder(label) or is_note(label):
            return
        level = label_level(label)
        name = strip_numbering(label)
        subtotal = level in ("total", "section")
        if level == "section":
            self.section = name
        section = None if subtotal else self.section
        unit = self.unit or "元"
        self.rows.append(
            {
                "label": label,
                "name": name,
                "section": section,
                "subtotal": subtotal,
                **{c: yuan(figures.get(c), unit) for c in COLS},
                "note": note,
                **row.provenance(),
            }
        )

    def result(self) -> dict[str, Any] | None:
        if not self.rows:
            return None
        return {**self.header(), "rows": self.rows}
