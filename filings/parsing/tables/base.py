"""What every table builder shares: grid rows with provenance, header-driven column maps.

A header row is recognised by the cells that identify the table's essential columns (a
code or name column and an amount column), not by knowing every word in it: producers
word their headers freely (`功能科目名称`, `增减变化`, `预算金额`), and a cell we do not know
becomes a column we ignore instead of losing the whole table.

Columns are found by their header text, never by position: each data cell is read by the
header cells standing above its centre (a merged header cell stands above every column
it spans), so `调整预算数 / 基本支出` names a column however wide or far right it is
printed. A continuation page without repeated header rows reuses the last header seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..amounts import is_amount, unit_in
from ..layout import Cell, Grid
from ..titles import nfkc, squash


@dataclass
class Row:
    """One row band of a grid on one page, with the cells covering it."""

    page: int
    grid: Grid
    r: int
    cells: list[Cell]

    @property
    def starting(self) -> list[Cell]:
        """The cells whose top edge is this row (a merged cell counts in its first row)."""
        return [c for c in self.cells if c.r0 == self.r]

    @property
    def top(self) -> float:
        return self.grid.ys[self.r]

    @property
    def bottom(self) -> float:
        return self.grid.ys[self.r + 1]

    @property
    def bbox(self) -> list[float]:
        return [round(self.grid.x0, 2), round(self.top, 2), round(self.grid.x1, 2), round(self.bottom, 2)]

    def provenance(self) -> dict[str, Any]:
        return {"page": self.page, "bbox": self.bbox}

    def texts(self) -> list[str]:
        return [c.text for c in self.starting if c.text]


# ---------------------------------------------------------------- header words

_UNIT_SUFFIX = re.compile(r"[(（][^()（）]*[)）]$")
_HEADER_WORDS = {
    "项目",
    "项目名称",
    "科目编码",
    "科目名称",
    "科目代码",
    "功能分类科目",
    "功能分类科目编码",
    "功能分类科目名称",
    "支出功能分类科目",
    "科目",
    "编码",
    "代码",
    "名称",
    "类",
    "款",
    "项",
    "收入",
    "支出",
    "备注",
    "说明",
    "合计",
    "小计",
    "总计",
    "基本支出",
    "项目支出",
    "金额",
    "收入项目",
    "支出项目",
    "单位名称",
    "预算科目",
    "项目单位",
    "资金性质",
    "收",
    "支",
    "人员经费",
    "公用经费",
    "类款项",
    "预算数",
    "本年预算",
    "年初预算",
    "调整预算",
    "增减",
}
_HEADER_TAIL = re.compile(r"(预算数|预算|调整数|增减数|增减额|增减|变动数|执行数|金额|合计|数)$")
_TOTAL_WORDS = {"合计", "小计", "总计"}
# templates put the budget year before a column's name (`2024年年初预算数`) and the sign
# convention inside it (`增（+）减（-）数`); neither changes what the column holds
_YEAR_PREFIX = re.compile(r"^(19|20)\d{2}年度?")
_JOINED = re.compile(r"[及和与、/]")
_SIGNS = re.compile(r"\([+\-、/,，及和与]*\)")


def header_text(text: str) -> str:
    """A header cell's text as matched: NFKC, without a leading year or a `(+)`/`(-)` sign."""
    return _SIGNS.sub("", _YEAR_PREFIX.sub("", nfkc(text)))


def header_word(text: str) -> bool:
    """Whether a cell's text is a column header word (`年初预算数（万元）`, `科目编码`, …)."""
    t = header_text(text)
    if unit_in(t) and len(t) <= 8 or t.startswith("单位:"):
        return True
    t = _UNIT_SUFFIX.sub("", t)
    if not t or any(ch.isdigit() for ch in t):
        return False
    if t in _HEADER_WORDS or (len(t) <= 8 and bool(_HEADER_TAIL.search(t))):
        return True
    # two header words under one cell: `科目编码及名称`, `编码/名称`
    parts = _JOINED.split(t)
    return len(parts) > 1 and all(p in _HEADER_WORDS for p in parts)


# what an amount column's header says, in words we may not know as a whole
# (`预算金额`, `增减变化`, `调整后预算数合计`)
_AMOUNT_HINT = re.compile(
    r"预算|金额|增减|变化|变动|调整|调[增减]|执行|决算|合计|小计|总计"
    r"|基本支出|项目支出|数$|额$"
)
_LABEL_HINT = re.compile(r"(名称|科目|编码|代码|项目|类款项)$")
_NUMBERED = re.compile(r"^([一二三四五六七八九十]+[、.]|\(|\d)")
# a header cell is a few words; a longer cell is a data row's text
_MAX_HEADER_CHARS = 20


def _bare(text: str) -> str:
    return _UNIT_SUFFIX.sub("", header_text(text))


def is_amount_header(text: str) -> bool:
    """A header naming an amount column or a 合计/基本支出/项目支出 split, known or not."""
    t = _bare(text)
    if not t or len(t) > _MAX_HEADER_CHARS or any(ch.isdigit() for ch in t):
        return False
    return column_set((t,)) is not None or split_of((t,)) is not None or bool(_AMOUNT_HINT.search(t))


def _unnamed_amount(text: str) -> bool:
    """An amount header that names no column set and no 合计/基本/项目 split."""
    return is_amount_header(text) and column_set((text,)) is None and split_of((text,)) is None


def is_key_header(text: str) -> bool:
    """A header naming a code or name column (`科目编码`, `功能科目名称`, `项目名称`)."""
    t = _bare(text)
    if not t or len(t) > _MAX_HEADER_CHARS or _NUMBERED.match(t) or any(ch.isdigit() for ch in t):
        return False
    return is_code_header(t) or (is_label_header(t) and bool(_LABEL_HINT.search(t)))


def _header_shaped(row: Row) -> bool:
    """Every cell printed and none a figure, a dash or a sentence: a data row with blank
    amounts (or `-`) never passes, whatever its words."""
    cells = row.starting
    texts = [squash(c.text) for c in cells]
    return bool(texts) and all(
        t and not is_amount(t) and any(ch.isalnum() for ch in t) and len(t) <= _MAX_HEADER_CHARS + 8
        for t in texts
    )


def is_header_row(row: Row, continuing: bool = False) -> bool:
    """A row of column headers, and not only `合计` (a data row).

    Either only known header words, or a header-shaped row naming the table's essential
    columns: a code/name column and an amount column; its other cells are columns we
    ignore. `continuing`: the row under a header row, which may hold only amount headers
    (`合计 | 基本支出 | 增减变化`).
    """
    texts = row.texts()
    if not texts or all(nfkc(t) in _TOTAL_WORDS for t in texts):
        return False
    if all(header_word(t) for t in texts):
        return True
    if not _header_shaped(row):
        return False
    if continuing and all(header_word(t) or is_amount_header(t) for t in texts):
        return True
    return any(is_key_header(t) for t in texts) and any(is_amount_header(t) for t in texts)


@dataclass
class HeaderCell:
    x0: float
    x1: float
    top: float
    text: str


@dataclass
class ColumnMap:
    """The header cells of a table, to name the column under any x position."""

    cells: list[HeaderCell] = field(default_factory=list)

    def add(self, row: Row) -> None:
        for c in row.starting:
            if c.text:
                self.cells.append(HeaderCell(c.x0, c.x1, c.top, header_text(c.text)))

    def column_set(self, path: tuple[str, ...]) -> str | None:
        """`column_set`, and the initial figures for an amount header we cannot name
        (`预算金额`) when it is the table's only amount column (an original filing's)."""
        named = column_set(path)
        if named is not None or not any(_unnamed_amount(t) for t in path):
            return named
        unnamed = {h.text for h in self.cells if _unnamed_amount(h.text)}
        named_any = any(column_set((h.text,)) is not None for h in self.cells)
        return "initial" if len(unnamed) == 1 and not named_any else None

    def path(self, x: float) -> tuple[str, ...]:
        """Header texts above x, top to bottom."""
        return tuple(h.text for h in sorted(self.cells, key=lambda h: h.top) if h.x0 - 0.5 <= x <= h.x1 + 0.5)

    def __bool__(self) -> bool:
        return bool(self.cells)


# ---------------------------------------------------------------- column roles


def column_set(path: tuple[str, ...]) -> str | None:
    """`initial`, `adjusted` or `change`: which figures a column holds, from its headers."""
    for t in path:
        if "调整后" in t or "调整预算" in t:
            return "adjusted"
        if "增减" in t or "变动" in t or "变化" in t or "调增" in t or "调减" in t or t.endswith("调整数"):
            return "change"
        if t.startswith("调整"):
            # `调整数` was the change above; `调整`, `调整金额` are the adjusted budget
            return "adjusted"
        if (
            "年初" in t
            or "预算数" in t
            or "本年" in t
            or t in ("预算", "金额")
            or t.startswith(("上年预算", "原预算"))
        ):
            return "initial"
    return None


def split_of(path: tuple[str, ...]) -> str | None:
    """`total`, `basic` or `project`: which part of a 合计/基本支出/项目支出 split."""
    for t in reversed(path):
        if t in _TOTAL_WORDS:
            return "total"
        if t.startswith("基本"):
            return "basic"
        if t.startswith("项目支出"):
            return "project"
    return None


def is_label_header(t: str) -> bool:
    return bool(re.search("项目|名称|科目", t)) and not t.startswith("项目支出")


def is_code_header(t: str) -> bool:
    return bool(re.search("编码|代码", t)) or t in ("类", "款", "项")


def is_note_header(t: str) -> bool:
    # `备注说明`, `情况说明`, `备注（用途）`: a free-text column, however it is qualified
    t = _UNIT_SUFFIX.sub("", t)
    return t.startswith("备注") or t.endswith(("备注", "说明"))


# the code part each split code column holds
CODE_PARTS = {"类": 0, "款": 1, "项": 2}


class CodeParts:
    """A code printed as 类 | 款 | 项 columns, joined: 201 + 05 + 07 -> 2010507.

    A part left blank under a printed lower part is the one printed last (tables that print
    only the new part of each code); a 款 or 项 printed without its leading zero gets it back.
    """

    def __init__(self) -> None:
        self._last = ["", "", ""]

    def join(self, parts: dict[int, str]) -> str:
        deepest = max((i for i, p in parts.items() if p), default=-1)
        if deepest < 0:
            return ""
        out = []
        for i in range(deepest + 1):
            p = parts.get(i, "")
            if not p:
                p = self._last[i]
            elif i > 0 and len(p) == 1:
                p = "0" + p
            out.append(p)
        self._last = out + [""] * (3 - len(out))
        return "".join(out)


class Builder:
    """Collects one table's rows across pages; `result()` gives its schema dict."""

    kind: str = ""

    def __init__(self, kind: str, title: str | None, page: int | None) -> None:
        self.kind = kind
        self.title = squash(title) if title else None
        self.subtitle: str | None = None
        self.unit: str | None = None
        self.pages: list[int] = []
        self.columns = ColumnMap()
        self._in_header = False
        self.rows_seen = 0
        if page is not None:
            self.add_page(page)

    def add_page(self, page: int) -> None:
        if page not in self.pages:
            self.pages.append(page)

    def feed(self, row: Row) -> None:
        self.add_page(row.page)
        self.rows_seen += 1
        if is_header_row(row, continuing=self._in_header):
            if not self._in_header:
                self.columns = ColumnMap()
                self._in_header = True
            self.columns.add(row)
            for t in row.texts():
                self.unit = self.unit or unit_in(t)
            return
        self._in_header = False
        self.data(row)

    def data(self, row: Row) -> None:
        """A non-header row."""

    def header(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "title": self.title}
        if self.subtitle:
            out["subtitle"] = self.subtitle
        out["unit"] = self.unit or "元"
        out["pages"] = sorted(self.pages)
        return out

    def result(self) -> dict[str, Any] | None:
        return None
