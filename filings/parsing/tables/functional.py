"""`functional_expenditure`: 一般公共预算支出表（功能分类科目）, by 类/款/项 code."""

from __future__ import annotations

import re
from typing import Any

from ..amounts import yuan
from ..titles import squash
from .base import CODE_PARTS, Builder, CodeParts, Row, is_code_header, is_label_header, split_of

COLS = ("initial", "adjusted", "change")
SPLITS = ("total", "basic", "project")
_CODE = re.compile(r"^\d{2,9}$")
_CODE_AND_NAME = re.compile(r"^(\d{3,9})(\D.*)$")


class FunctionalBuilder(Builder):
    def __init__(self, kind: str, title: str | None, page: int | None) -> None:
        super().__init__(kind, title, page)
        self.rows: list[dict[str, Any]] = []
        self._parts = CodeParts()

    def data(self, row: Row) -> None:
        code_parts: dict[int, str] = {}
        code = name = ""
        figures: dict[tuple[str, str], str] = {}
        for cell in row.starting:
            path = self.columns.path(cell.cx)
            text = squash(cell.text)
            if not path:
                continue
            leaf = path[-1]
            if leaf in CODE_PARTS:
                code_parts[CODE_PARTS[leaf]] = text
            elif any(is_code_header(t) for t in path):
                code += text
            elif any(is_label_header(t) for t in path):
                name += text
            else:
                cols = self.columns.column_set(path)
                # a figure column without a 合计/基本/项目 split holds the total
                split = split_of(path) or ("total" if cols else None)
                if split is None:
                    continue
                cols = cols or "initial"
                figures.setdefault((cols, split), cell.text)
        if code_parts:
            code = self._parts.join(code_parts)
        m = _CODE_AND_NAME.match(code) if not name else (_CODE_AND_NAME.match(name) if not code else None)
        if m:
            # one column printing `2050303 技校教育`
            code, name = m.group(1), m.group(2)
        if code and not _CODE.match(code):
            # `合 计` printed across the code and name columns
            name, code = code + name, ""
        if not code and not name:
            return
        unit = self.unit or "元"
        entry: dict[str, Any] = {"code": code or None, "name": name}
        for cols in COLS:
            entry[cols] = {s: yuan(figures.get((cols, s)), unit) for s in SPLITS}
        if not any(v for cols in COLS for v in entry[cols].values()) and not code:
            if not re.search("合计|总计", name):
                return
        entry.update(row.provenance())
        self.rows.append(entry)

    def result(self) -> dict[str, Any] | None:
        if not self.rows:
            return None
        return {**self.header(), "rows": self.rows}
