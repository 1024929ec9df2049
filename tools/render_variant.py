#!/usr/bin/env python3
"""Render a truth filing (`budget-filing/1`) as a spreadsheet-made PDF, with layout knobs.

Why: the corpus PDFs were all made one way (one font pair, one set of column widths, page
breaks where they fell). The parser must also read filings made with other fonts, widths,
units and code layouts, so this renders the same facts differently and writes the matching
truth, to score `parse_pdf` against it:

    .venv/bin/python tools/render_variant.py tests/corpus/truth/zunyi-hrss-2024-adjustment.json \\
        --out /tmp/variants/zunyi-sans-narrow --font "Noto Sans CJK SC" --width-scale 0.8
    python3 tests/tools/score_filing.py /tmp/variants/zunyi-sans-narrow.json GOT.json

It writes OUT.xlsx (openpyxl), OUT.pdf (`soffice --headless --convert-to pdf`, LibreOffice
needed only here, never by the tests) and OUT.json, the truth of the variant: the same facts,
the tables actually rendered, each table's `unit` as printed and its `pages` read back from
the PDF (with `--no-pages` they are dropped; the scorer then counts them as missing for every
table alike, so compare such scores only with each other).

Layout follows the corpus README: a bold merged title row, a `单位：` line, merged two-row
headers, thin borders on every cell, wrapped text, landscape for wide tables, header rows
repeated on every page of a long table (`sheets`), or the project target tables one after
another on one sheet with a `第 N 页，共 M 页` footer (`stacked`).

`grid` tables (the 部门预算公开 packages: tests/corpus/real/truth/) are drawn from their truth:
the value columns' `/`-joined paths become the header rows (a head shared by neighbouring
columns is one merged cell, a shorter path runs down to the last header row); the naming
columns come from the rows (a 科目编码 column or 类/款/项 columns where rows have codes, a
科目名称/项目 column where they have labels, a merged group column for `group/label`, none for a
“三公” table or where the label is one of the row's values, as in 政府采购); two-sided tables
print income and expense side by side with their totals on the last line; a table whose
amounts are all blank is printed empty (its 合计 line, blank lines, `注：…为空表` under it). A
收支总表 whose expense side numbers again from `一、` (江苏: by function, then by use) prints
the two breakdowns side by side, the totals across them. Knobs that real producers differ
in, each also renaming the truth's `columns` where it changes a printed header:

    --side-words benian|plain|item   本年收入|本年支出, 收入|支出, 收入项目|支出项目
    --amount-word 金额|预算数|year   the lone amount column (year: 2026年预算数)
    --org-line --org-label 编制部门 [--org-apart | --unit-after-org]   the department line
    --org-in-grid, --title-in-grid   `部门：… 单位：万元` / the title as the table's first ruled rows
    --unit 元|万元 [--round], --numbers comma|plain|paren|bare   units and number formats
    --split-codes [--sparse-codes --unpadded-parts], --joined-codes, --code-words long,
    --naming-top 项目, --label-word 项目名称, --indent   the naming columns
    --totals-at-foot, --pad-rows N, --side-header label   the summary's and two-sided layouts
    --empty-rows N, --empty-mark, --empty-no-total, --note-in-grid   empty tables
    --break-every N, --no-repeat-headers, --repeat-title, --footer   long tables over pages
    --pack N   tables of at most N lines two to a page;  --only 1,4,three_public   a subset
    --appendix-format '公开表{cn}' --appendix-below, --borders horizontal

The `real-*` variants in tests/parsing/variants/ were made with them, e.g.:

    .venv/bin/python tools/render_variant.py \
        tests/corpus/real/truth/js-npc-office-2019-budget-tables.json \
        --out tests/parsing/variants/real-js-summary-foot --org-line --org-label 部门 --org-apart \
        --only 1,2,4,9,10,12 --totals-at-foot --side-words benian --label-word 项目名称 \
        --appendix-format '公开表{cn}' --appendix-below --amount-word 金额 --pack 8
    rm tests/parsing/variants/real-js-summary-foot.xlsx

(real-sh-ingrid: sh-putuo-justice-2026 `--org-line --org-label 编制部门 --only 1,2,4,6,7,9
--title-in-grid --org-in-grid --split-codes --code-words long --naming-top 项目 --numbers bare
--empty-mark --totals-at-foot --pad-rows 6`; real-sh-break-norepeat: sh-putuo-govoffice-2025
`--org-line --org-label 编制部门 --only 3,5,6,7,8 --break-every 9 --no-repeat-headers
--split-codes --sparse-codes --unpadded-parts --pack 8 --font "WenQuanYi Micro Hei"`;
real-sh-wanyuan-item: sh-putuo-govoffice-2025 `--org-line --org-label 编制部门 --only 1,4,8,9
--unit 万元 --round --side-header label --side-words item --amount-word year --size 10
--width-scale 0.85 --repeat-title --break-every 12 --indent`.)
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

KINDS = (
    "income_expense_summary",
    "functional_expenditure",
    "project_expenditure",
    "project_performance",
    "transfer_payment",
    "grid",
)
COLS = ("initial", "adjusted", "change")
SPLITS = ("total", "basic", "project")
FACTORS = {"元": Decimal(1), "万元": Decimal(10000)}
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HBORDER = Border(top=THIN, bottom=THIN)
A4 = 9


@dataclass
class Options:
    font: str = "Noto Serif CJK SC"
    title_font: str = "Noto Sans CJK SC"
    size: float = 9
    width_scale: float = 1.0
    unit: str | None = None  # None: as in the truth
    split_codes: bool = False
    sparse_codes: bool = False  # with split codes: print only the part that changed
    layout: str = "sheets"
    row_height: float | None = None
    dash: bool = False  # print a blank amount as `-`
    appendix: bool = True  # `附表N` above the title
    joined_codes: bool = False  # `2050303 技校教育` in one column
    alt_headers: bool = False  # another template's header wording
    org_line: str | None = None  # `编制单位：…` on the unit line
    year: int | None = None
    numbers: str = "comma"  # comma `1,234.00`, plain `1234.00`, paren `(1,234.00)` for negatives
    unit_in_header: bool = False  # `年初预算数（万元）` instead of a `单位：` line
    repeat_headers: bool = True  # header rows printed again on every page of a long table
    # header words replaced as printed (`科目名称` -> `功能科目名称`), after --alt-headers:
    # other producers' wordings the parser must read by their key columns
    header_words: dict[str, str] = field(default_factory=dict)
    # ---- knobs of the 部门预算公开 packages (grids and the summary; see the module docstring)
    side_words: str = "keep"  # 收入|支出 heads: keep, benian 本年收入|本年支出, plain, item 收入项目
    amount_word: str | None = None  # the one amount column's word: 预算数, 金额, year (2026年预算数)
    org_label: str = "编制单位"  # `编制部门`, `部门` ... before the department's name
    org_apart: bool = False  # `部门：` and the name printed in separate cells of the line
    unit_after_org: bool = False  # one text `编制部门：XX    单位：元` (spaces between)
    org_in_grid: bool = False  # the `部门：… 单位：万元` line as the first ruled row of the table
    title_in_grid: bool = False  # the title printed in the table's first ruled row
    appendix_format: str = "附表{n}"  # `公开表{cn}`: 公开表一
    appendix_below: bool = False  # the appendix mark between the title and the unit line
    code_words: str = "short"  # 科目编码/科目名称, or long: 功能分类科目编码/经济分类科目名称
    label_word: str = "项目"  # the name column of a table without codes (`项目名称`)
    naming_top: str | None = None  # a head over the naming columns (`项目`)
    totals_at_foot: bool = False  # a summary's totals on its last lines; an empty table's 合计 last
    pad_rows: int = 0  # blank ruled lines before the totals of a two-sided table
    empty_rows: int = 3  # blank ruled lines of an empty table
    empty_mark: bool = False  # an empty table says `无` on its first line
    note_in_grid: bool = False  # an empty table's note as its last ruled row
    empty_no_total: bool = False  # an empty table prints no 合计 line (headers only: rows [])
    break_every: int | None = None  # a page break after every N data lines of a table
    pack: int | None = None  # tables of at most N lines share a page, two by two
    side_header: str = "over"  # summary: 收入 over 项目|预算数, or label: `收入项目 | 预算数`
    repeat_title: bool = False  # with repeated headers: the title and unit line repeated too
    unpadded_parts: bool = False  # split codes: 款/项 printed as numbers (`3`, not `03`)
    round_unit: bool = False  # with --unit: amounts not exact in it are printed rounded
    footer: bool = False  # `第 N 页，共 M 页` under every page
    indent: bool = False  # names indented by their code's level
    borders: str = "all"  # all, or horizontal: rules between rows only, no vertical lines


def side_word(opt: Options, word: str) -> str:
    """`收入`/`支出` (or a side head already worded `本年收入`, `收入项目`) as --side-words says."""
    base = next((b for b in ("收入", "支出") if word in (b, f"本年{b}", f"{b}项目")), None)
    if base is None or opt.side_words == "keep":
        return word
    return {"benian": f"本年{base}", "plain": base, "item": f"{base}项目"}[opt.side_words]


def amount_word(opt: Options, word: str) -> str:
    """The word over a table's one amount column (`预算数`, `金额`) as --amount-word says."""
    if opt.amount_word is None or word not in ("预算数", "金额", "本年预算数"):
        return word
    if opt.amount_word == "year":
        return f"{opt.year}年预算数" if opt.year else "预算数"
    return opt.amount_word


def head(opt: Options, word: str, unit: str | None = None) -> str:
    """A column header as this template words it (with the unit, if it goes there)."""
    if unit and opt.unit_in_header:
        return f"{head(opt, word)}（{unit}）"
    if word in opt.header_words:
        return opt.header_words[word]
    word = amount_word(opt, side_word(opt, word))
    if word in opt.header_words:
        return opt.header_words[word]
    if not opt.alt_headers:
        return word
    year = f"{opt.year}年" if opt.year else ""
    alt = {
        "年初预算数": f"{year}年初预算数",
        "本年预算数": f"{year}预算数",
        "调整预算数": f"{year}调整预算数",
        "增减数": "增（+）减（-）数",
        "科目编码": "功能分类科目编码",
        "科目名称": "功能分类科目名称",
        "项目名称": "项目名称",
        "预算数": f"{year}预算数",
        "收入": "收入项目",
        "支出": "支出项目",
    }
    return alt.get(word, word)


@dataclass
class Placed:
    """A table written to a sheet: where its title is, to find its pages in the PDF."""

    table: dict[str, Any]
    sheet: str
    marker: str  # text that opens the table on the page (title, or project name)


@dataclass
class Writer:
    """A sheet with a row cursor and the helpers every table layout uses."""

    ws: Worksheet
    opt: Options
    ncols: int = 0
    row: int = 1
    widths: list[float] = field(default_factory=list)
    # cells merged over several rows, (r0, r1, c0, c1, text): grown to fit after fit_all
    tall: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    packed: bool = False  # the sheet holds tables one after another: widths only grow
    data_start: int | None = None  # a typed list's first data row (for --break-every)

    def font(self, bold: bool = False, size: float | None = None, title: bool = False) -> Font:
        return Font(
            name=self.opt.title_font if title else self.opt.font, bold=bold, size=size or self.opt.size
        )

    def put(
        self,
        r: int,
        c: int,
        value: Any,
        *,
        fmt: str | None = None,
        align: str = "left",
        bold: bool = False,
        border: bool = True,
    ) -> None:
        cell = self.ws.cell(row=r, column=c, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # `=100%` is an indicator value, not a formula
        cell.font = self.font(bold=bold)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        if border:
            cell.border = BORDER if self.opt.borders == "all" else HBORDER
        if fmt:
            cell.number_format = fmt
            if isinstance(value, Decimal):
                places = len(fmt.split(";")[0].split(".")[-1])
                self._room_for(c, f"({value:,.{places}f})")
            elif isinstance(value, str):
                self._room_for(c, value)

    def _room_for(self, c: int, shown: str) -> None:
        """Widen a column that would print a number as `###`: a filing's author widens it too."""
        need = len(shown) * 0.12 * self.opt.size + 1.5
        if c <= len(self.widths) and self.widths[c - 1] < need:
            self.widths[c - 1] = need
            self.ws.column_dimensions[get_column_letter(c)].width = need

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                cell = self.ws.cell(row=r, column=c)
                cell.border = BORDER if self.opt.borders == "all" else HBORDER
        if (r0, c0) != (r1, c1):
            self.ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)

    def _mark(self, appendix: str) -> str:
        if self.opt.appendix_format == "附表{n}":
            return appendix
        n = int(re.sub(r"\D", "", appendix) or 0)
        return self.opt.appendix_format.format(n=n, cn=_cn_number(n))

    def title(self, text: str, appendix: str | None) -> None:
        mark = self._mark(appendix) if appendix and self.opt.appendix else None
        if mark and not self.opt.appendix_below:
            c = self.ws.cell(row=self.row, column=1, value=mark)
            c.font = self.font()
            self.row += 1
        self.ws._title_row = self.row  # type: ignore[attr-defined]
        c = self.ws.cell(row=self.row, column=1, value=text)
        c.font = self.font(bold=True, size=16, title=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if self.opt.title_in_grid:
            # the title as the first ruled row of the table
            self.merge(self.row, 1, self.row, self.ncols)
        else:
            self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=self.ncols)
        # a long title wraps in its merged cell: give it the lines it needs
        width = sum(self.widths) if self.widths else 100.0
        lines = math.ceil(_text_width(text) * 16 / self.opt.size / max(1.0, (width - 2) * 0.9))
        self.ws.row_dimensions[self.row].height = max(30, lines * 16 * 1.35 + 6)
        self.row += 1
        if mark and self.opt.appendix_below:
            c = self.ws.cell(row=self.row, column=1, value=mark)
            c.font = self.font(bold=True)
            self.row += 1

    def unit_line(self, unit: str, force: bool = False) -> None:
        """The `单位：` line (with `编制单位：` where asked); `force`: even with the unit in the
        headers (a grid's headers never carry it)."""
        if self.opt.org_in_grid or self.opt.title_in_grid:
            self.unit_row(unit)
            return
        if self.opt.unit_in_header and not force:
            return
        if self.opt.org_line and self.opt.unit_after_org:
            # one cell's text: `编制部门：… (four spaces) 单位：万元`
            c = self.ws.cell(
                row=self.row, column=1, value=f"{self.opt.org_label}：{self.opt.org_line}    单位：{unit}"
            )
            c.font = self.font()
            self.row += 1
            return
        if self.opt.org_line and not self._org_fits():
            # the name would run into the unit's cell and be cut off: the unit on a line below
            c = self.ws.cell(row=self.row, column=1, value=f"{self.opt.org_label}：{self.opt.org_line}")
            c.font = self.font()
            self.row += 1
        elif self.opt.org_line:
            if self.opt.org_apart:
                # `部门：` and the name printed apart on the same line
                c = self.ws.cell(row=self.row, column=1, value=f"{self.opt.org_label}：")
                c.font = self.font()
                c = self.ws.cell(row=self.row, column=min(2, self.ncols), value=self.opt.org_line)
            else:
                c = self.ws.cell(row=self.row, column=1, value=f"{self.opt.org_label}：{self.opt.org_line}")
            c.font = self.font()
        c = self.ws.cell(row=self.row, column=self.ncols, value=f"单位：{unit}")
        c.font = self.font()
        c.alignment = Alignment(horizontal="right", vertical="center")
        self.row += 1

    def _org_fits(self) -> bool:
        """Whether `编制单位：…` fits in the columns before the unit's (it overflows into them)."""
        if not self.widths:
            return True
        text = f"{self.opt.org_label}：{self.opt.org_line}"
        room = sum(self.widths[: self.ncols - 1]) if self.ncols > 1 else 0.0
        # a width unit is about 5.25 pt (a digit of the default font), a CJK glyph `size` pt
        return _text_width(text) * self.opt.size / 2 + 3 <= room * 5.25

    def unit_row(self, unit: str) -> None:
        """`编制部门：… | 单位：万元` as a ruled row of the table (its first, or under the title)."""
        r, nc = self.row, self.ncols
        text = f"单位：{unit}"
        if self.opt.org_line and nc >= 2:
            self.put(r, 1, f"{self.opt.org_label}：{self.opt.org_line}")
            self.merge(r, 1, r, nc - 1)
            self.put(r, nc, text, align="right")
        elif self.opt.org_line:
            self.put(r, 1, f"{self.opt.org_label}：{self.opt.org_line}  {text}")
        else:
            self.put(r, 1, text, align="right")
            self.merge(r, 1, r, nc)
        self.row += 1

    def fit(self, r: int, texts: list[tuple[int, int, str]], size: float | None = None) -> None:
        """Row height for wrapped text. LibreOffice does not grow rows of an imported XLSX to
        fit their text, so the height is set here: at least `--row-height`, never so low that
        a cell's text is clipped or spills over its neighbours."""
        size = size or self.opt.size
        lines = 1
        for c0, c1, text in texts:
            width = sum(self.widths[c - 1] for c in range(c0, min(c1, len(self.widths)) + 1))
            # a width unit is about one digit at 9 pt; a CJK glyph takes about two (kept on
            # the safe side: a row too tall costs nothing, one too low loses text)
            per_line = max(1.0, (width - 1) * 0.9 * 9 / size)
            lines = max(lines, math.ceil(_text_width(text) / per_line))
        self.ws.row_dimensions[r].height = max(
            self.opt.row_height or 0, self.ws.row_dimensions[r].height or 0, lines * size * 1.4 + 3
        )

    def fit_all(self) -> None:
        """Fit every row to the text of its cells that span one row (headers included)."""
        spans = {(m.min_row, m.min_col): m for m in self.ws.merged_cells.ranges}
        inside = {
            (r, c)
            for m in self.ws.merged_cells.ranges
            for r in range(m.min_row, m.max_row + 1)
            for c in range(m.min_col, m.max_col + 1)
        } - set(spans)
        for row in self.ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or (cell.row, cell.column) in inside:
                    continue
                m = spans.get((cell.row, cell.column))
                if m is not None and m.max_row > m.min_row:
                    continue  # a cell over several rows has their joint height
                c1 = m.max_col if m is not None else cell.column
                if m is None and not cell.alignment.wrap_text:
                    continue  # a free line (附表N, 单位) runs on, unwrapped
                self.fit(cell.row, [(cell.column, c1, cell.value)], cell.font.size)

    def set_widths(self, widths: list[float]) -> None:
        new = [w * self.opt.width_scale for w in widths]
        if self.packed and self.widths:
            # a second table on the sheet: each column as wide as either table needs
            size = max(len(new), len(self.widths))
            old = self.widths + [0.0] * (size - len(self.widths))
            new = [max(a, b) for a, b in zip(old, new + [0.0] * (size - len(new)), strict=True)]
        self.widths = new
        self.ncols = len(widths)
        for i, w in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = w

    def fit_tall(self) -> None:
        """Rows under a cell merged over several of them hold its wrapped text between them."""
        size = self.opt.size
        for r0, r1, c0, c1, text in self.tall:
            width = sum(self.widths[c - 1] for c in range(c0, min(c1, len(self.widths)) + 1))
            per_line = max(1.0, (width - 1) * 0.9 * 9 / size)
            need = math.ceil(_text_width(text) / per_line) * size * 1.4 + 3
            heights = [self.ws.row_dimensions[r].height or size * 1.4 + 3 for r in range(r0, r1 + 1)]
            if sum(heights) < need:
                self.ws.row_dimensions[r1].height = heights[-1] + need - sum(heights)


def _cn_number(n: int) -> str:
    """一 … 九十九, for `公开表十二`."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def _text_width(text: str) -> float:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def setup_page(ws: Worksheet, landscape: bool, header_rows: tuple[int, int] | None, footer: bool) -> None:
    if getattr(ws, "_packed", False) and ws.page_setup.orientation == "landscape":
        landscape = True  # a sheet of two tables: as wide as the wider
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if header_rows and ws.parent is not None and getattr(ws, "_repeat_headers", True):
        first = header_rows[0]
        if getattr(ws, "_repeat_title", False):
            first = getattr(ws, "_title_row", first)
        ws.print_title_rows = f"{first}:{header_rows[1]}"
    if footer or getattr(ws, "_footer", False):
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        ws.oddFooter.center.size = 9


# ---------------------------------------------------------------- amounts


class Money:
    """Amounts of one table in its printed unit, with the number format that shows them exactly."""

    def __init__(self, unit: str, values: list[str | None], opt: Options) -> None:
        self.unit = unit
        self.opt = opt
        scaled = [Decimal(v) / FACTORS[unit] for v in values if v is not None]
        self.places = 2 if all(s == s.quantize(Decimal("0.01")) for s in scaled) else 4
        body = ("0." if opt.numbers == "plain" else "#,##0.") + "0" * self.places
        self.fmt = f"{body};({body})" if opt.numbers == "paren" else body

    @classmethod
    def choose(cls, table: dict[str, Any], values: list[str | None], opt: Options) -> Money:
        """The unit asked for, unless an amount cannot be printed exactly in it."""
        unit = opt.unit or table["unit"]
        ok = all(
            v is None
            or (Decimal(v) / FACTORS[unit]).quantize(Decimal("0.0001")) == Decimal(v) / FACTORS[unit]
            for v in values
        )
        if not ok:
            print(f"  {table['kind']}: not exact in {unit}, kept {table['unit']}", file=sys.stderr)
            unit = table["unit"]
        return cls(unit, values, opt)

    def value(self, v: str | None) -> Any:
        if v is None:
            return "-" if self.opt.dash else None
        if self.opt.numbers == "bare":
            # as some producers print: `0`, `10.81`, `96282213.44` (text, no fixed places)
            shown = f"{Decimal(v) / FACTORS[self.unit]:f}"
            return shown.rstrip("0").rstrip(".") if "." in shown else shown
        return Decimal(v) / FACTORS[self.unit]


# ---------------------------------------------------------------- tables


def _appendix(n: int) -> str:
    return f"附表{n}"


def write_functional(w: Writer, t: dict[str, Any], adjustment: bool, n: int) -> None:
    rows = t["rows"]
    values = [r[c][s] for r in rows for c in COLS if r.get(c) for s in SPLITS]
    money = Money.choose(t, values, w.opt)
    t["unit"] = money.unit
    code_cols = 3 if w.opt.split_codes else 1
    sets = COLS if adjustment else ("initial",)
    # a table that prints only the total (`功能科目编码 | 功能科目名称 | 金额`) has one amount column
    only_total = (
        not adjustment
        and bool(rows)
        and all((r.get("initial") or {}).get(sp) is None for r in rows for sp in ("basic", "project"))
    )
    subs = ("total",) if only_total else SPLITS
    widths = [6.0] * 3 if w.opt.split_codes else [6.0 if w.opt.joined_codes else 11.0]
    widths += [26.0] + [13.0] * (len(subs) * len(sets)) + ([8.0] if adjustment else [])
    w.set_widths(widths)
    w.title(t["title"], _appendix(n))
    w.unit_line(money.unit)
    h0 = w.row
    w.put(h0, 1, head(w.opt, "科目编码"), align="center")
    if w.opt.split_codes:
        w.merge(h0, 1, h0, 3)
        for i, part in enumerate(("类", "款", "项")):
            w.put(h0 + 1, 1 + i, head(w.opt, part), align="center")
    elif not w.opt.joined_codes:
        w.merge(h0, 1, h0 + 1, 1)
    name_col = code_cols + 1
    if w.opt.joined_codes:
        # one header over the code-and-name column
        w.put(h0, 1, head(w.opt, "科目编码及名称" if w.opt.alt_headers else "功能分类科目"), align="center")
        w.merge(h0, 1, h0 + 1, name_col)
    else:
        w.put(h0, name_col, head(w.opt, "科目名称"), align="center")
        w.merge(h0, name_col, h0 + 1, name_col)
    heads = {
        "initial": "年初预算数" if adjustment else "本年预算数",
        "adjusted": "调整预算数",
        "change": "增减数",
    }
    col = name_col + 1
    for s in sets:
        if only_total:
            w.put(h0, col, head(w.opt, "金额", money.unit), align="center")
            w.merge(h0, col, h0 + 1, col)
            col += 1
            continue
        w.put(h0, col, head(w.opt, heads[s], money.unit), align="center")
        w.merge(h0, col, h0, col + 2)
        for i, sub in enumerate(("合计", "基本支出", "项目支出")):
            w.put(h0 + 1, col + i, head(w.opt, sub), align="center")
        col += 3
    if adjustment:
        w.put(h0, col, head(w.opt, "备注"), align="center")
        w.merge(h0, col, h0 + 1, col)
    w.row = h0 + 2
    w.data_start = w.row
    last: list[str] = ["", "", ""]
    for r in rows:
        code = r["code"] or ""
        texts = [(name_col, name_col, r["name"])]
        if w.opt.split_codes:
            parts = [code[:3], code[3:5], code[5:7]] if code else ["", "", ""]
            shown = list(parts)
            if w.opt.sparse_codes:
                # print only the parts that differ from the row above
                for i in range(3):
                    if parts[i] and parts[: i + 1] == last[: i + 1] and any(parts[i + 1 :]):
                        shown[i] = ""
            last = parts
            for i in range(3):
                w.put(w.row, 1 + i, shown[i] or None, align="center")
            if not code:
                w.put(w.row, 1, r["name"], align="center")
                w.merge(w.row, 1, w.row, name_col)
        elif w.opt.joined_codes:
            # `科目编码 | 科目名称` headers over one column that prints `2050303 技校教育`
            w.put(w.row, 1, f"{code} {r['name']}" if code else r["name"], align="left" if code else "center")
            w.merge(w.row, 1, w.row, name_col)
        else:
            w.put(w.row, 1, code or None)
        if not w.opt.joined_codes and (code or not w.opt.split_codes):
            # (a split-code 合计 row already spans the code and name columns)
            w.put(w.row, name_col, r["name"], align="left" if code else "center")
        col = name_col + 1
        for s in sets:
            for sp in subs:
                w.put(w.row, col, money.value((r.get(s) or {}).get(sp)), fmt=money.fmt, align="right")
                col += 1
        if adjustment:
            w.put(w.row, col, None)
        w.fit(w.row, texts)
        w.row += 1
    setup_page(w.ws, landscape=len(widths) > 7, header_rows=(h0, h0 + 1), footer=False)


def write_project_list(w: Writer, t: dict[str, Any], adjustment: bool, n: int) -> None:
    rows = t["rows"]
    sets = COLS if adjustment else ("initial",)
    money = Money.choose(t, [r.get(c) for r in rows for c in sets], w.opt)
    t["unit"] = money.unit
    w.set_widths([40.0] + [14.0] * len(sets) + [24.0])
    w.title(t["title"], _appendix(n))
    w.unit_line(money.unit)
    h0 = w.row
    heads = {
        "initial": "年初预算数" if adjustment else "预算数",
        "adjusted": "调整预算数",
        "change": "增减数",
    }
    w.put(h0, 1, head(w.opt, "项目名称"), align="center")
    for i, s in enumerate(sets):
        w.put(h0, 2 + i, head(w.opt, heads[s], money.unit), align="center")
    w.put(h0, 2 + len(sets), head(w.opt, "备注"), align="center")
    w.row = h0 + 1
    w.data_start = w.row
    for r in rows:
        w.put(w.row, 1, r["label"])
        for i, s in enumerate(sets):
            w.put(w.row, 2 + i, money.value(r.get(s)), fmt=money.fmt, align="right")
        w.put(w.row, 2 + len(sets), r.get("note") or None)
        w.fit(w.row, [(1, 1, r["label"]), (w.ncols, w.ncols, r.get("note") or "")])
        w.row += 1
    setup_page(w.ws, landscape=False, header_rows=(h0, h0), footer=False)


def write_summary(w: Writer, t: dict[str, Any], adjustment: bool, n: int) -> None:
    rows = t["rows"]
    sets = COLS if adjustment else ("initial",)
    money = Money.choose(t, [r.get(c) for r in rows for c in sets], w.opt)
    t["unit"] = money.unit
    half = 1 + len(sets)
    w.set_widths(([30.0] + [14.0] * len(sets)) * 2)
    w.title(t["title"], _appendix(n))
    w.unit_line(money.unit)
    h0 = w.row
    heads = {
        "initial": "年初预算数" if adjustment else "预算数",
        "adjusted": "调整预算数",
        "change": "增减数",
    }
    for k, side in enumerate(("收入", "支出")):
        c0 = 1 + k * half
        w.put(h0, c0, head(w.opt, side), align="center")
        w.merge(h0, c0, h0, c0 + half - 1)
        w.put(h0 + 1, c0, "项目", align="center")
        for i, s in enumerate(sets):
            w.put(h0 + 1, c0 + 1 + i, head(w.opt, heads[s], money.unit), align="center")
    w.row = h0 + 2
    income = [r for r in rows if r["side"] == "income"]
    expense = [r for r in rows if r["side"] == "expense"]
    for i in range(max(len(income), len(expense))):
        for k, side_rows in enumerate((income, expense)):
            c0 = 1 + k * half
            r = side_rows[i] if i < len(side_rows) else None
            w.put(w.row, c0, r["label"] if r else None)
            w.fit(w.row, [(c0, c0, r["label"] if r else "")])
            for j, s in enumerate(sets):
                w.put(w.row, c0 + 1 + j, money.value(r.get(s)) if r else None, fmt=money.fmt, align="right")
        w.row += 1
    setup_page(w.ws, landscape=True, header_rows=None, footer=False)


_PERF_WIDTHS_ADJ = [5.0, 9.0, 9.0, 28.0, 11.0, 28.0, 11.0, 18.0]
_PERF_WIDTHS_ORIG = [5.0, 10.0, 11.0, 30.0, 14.0, 14.0]


def perf_widths(adjustment: bool) -> list[float]:
    return _PERF_WIDTHS_ADJ if adjustment else _PERF_WIDTHS_ORIG


def write_project_performance(w: Writer, t: dict[str, Any], adjustment: bool) -> None:
    """One 项目支出绩效目标表 from the row `w.row` on (the columns are already set)."""
    funds = t.get("funds") or {}
    keys = ("total", "fiscal", "superior", "local", "non_fiscal")
    values = [(funds.get(s) or {}).get(k) for s in ("initial", "adjusted") for k in keys]
    money = Money.choose(t, values, w.opt)
    t["unit"] = money.unit
    nc = w.ncols
    w.title(t["title"], None)
    if t.get("subtitle"):
        c = w.ws.cell(row=w.row, column=1, value=t["subtitle"])
        c.font = w.font()
        c.alignment = Alignment(horizontal="center")
        w.ws.merge_cells(start_row=w.row, start_column=1, end_row=w.row, end_column=nc)
        w.row += 1
    r = w.row
    w.put(r, 1, "项目名称", align="center")
    w.merge(r, 1, r, 3)
    w.put(r, 4, t["project"])
    w.merge(r, 4, r, nc)
    w.fit(r, [(4, nc, t["project"])])
    r += 1
    mid = 5 if adjustment else 5
    w.put(r, 1, "主管部门", align="center")
    w.merge(r, 1, r, 3)
    w.put(r, 4, t.get("supervisor"))
    w.put(r, mid, "实施单位", align="center")
    w.merge(r, mid, r, mid if not adjustment else 5)
    w.put(r, mid + 1, t.get("implementer"))
    w.merge(r, mid + 1, r, nc)
    w.fit(r, [(4, 4, t.get("supervisor") or ""), (mid + 1, nc, t.get("implementer") or "")])
    r += 1
    # funds block
    init, adj = funds.get("initial") or {}, funds.get("adjusted") or {}
    labels = [("total", f"年度资金总额({money.unit}):"), ("fiscal", "其中:财政拨款")]
    if any(k in init for k in ("superior", "local")):
        labels += [("superior", "其中:上级补助"), ("local", "本级安排")]
    labels += [("non_fiscal", "非财政拨款" if adjustment else "其他资金")]
    f0 = r
    w.put(f0, 1, f"资金情况（{money.unit}）", align="center")
    w.merge(f0, 1, f0 + len(labels), 3)
    if adjustment:
        w.put(f0, 4, None)
        w.put(f0, 5, head(w.opt, "年初预算数"), align="center")
        w.merge(f0, 5, f0, 6)
        w.put(f0, 7, head(w.opt, "调整预算数"), align="center")
        w.merge(f0, 7, f0, nc)
    else:
        w.put(f0, 4, "年度资金情况", align="center")
        w.merge(f0, 4, f0, nc)
    for i, (key, label) in enumerate(labels, 1):
        w.put(f0 + i, 4, label)
        if adjustment:
            w.put(f0 + i, 5, money.value(init.get(key)), fmt=money.fmt, align="center")
            w.merge(f0 + i, 5, f0 + i, 6)
            w.put(f0 + i, 7, money.value(adj.get(key)), fmt=money.fmt, align="center")
            w.merge(f0 + i, 7, f0 + i, nc)
        else:
            w.put(f0 + i, 5, money.value(init.get(key)), fmt=money.fmt, align="right")
            w.merge(f0 + i, 5, f0 + i, nc)
    r = f0 + len(labels) + 1
    goals = t.get("goals") or {}
    w.put(r, 1, "年度总体目标:" if adjustment else "年度总体目标", align="center")
    w.merge(r, 1, r, 3)
    if adjustment:
        w.put(r, 4, goals.get("initial"))
        w.merge(r, 4, r, 5)
        w.put(r, 6, goals.get("adjusted"))
        w.merge(r, 6, r, nc)
        w.fit(r, [(4, 5, goals.get("initial") or ""), (6, nc, goals.get("adjusted") or "")])
    else:
        w.put(r, 4, goals.get("initial"))
        w.merge(r, 4, r, nc)
        w.fit(r, [(4, nc, goals.get("initial") or "")])
    r += 1
    # indicator grid
    heads = ["一级指标", "二级指标", "三级指标", "指标值"]
    heads += ["三级指标", "指标值", "说明"] if adjustment else ["说明"]
    h = r
    for i, text in enumerate(heads):
        w.put(h, 2 + i, text, align="center")
    inds = t.get("indicators") or []
    first = h + 1
    for k, ind in enumerate(inds):
        rr = first + k
        texts = []
        for s_i, side in enumerate(("initial", "adjusted") if adjustment else ("initial",)):
            v = ind.get(side) or {}
            w.put(rr, 4 + 2 * s_i, v.get("name"))
            w.put(rr, 5 + 2 * s_i, v.get("value"), align="center")
            texts.append((4 + 2 * s_i, 4 + 2 * s_i, v.get("name") or ""))
            texts.append((5 + 2 * s_i, 5 + 2 * s_i, v.get("value") or ""))
        w.put(rr, nc, ind.get("note") or None)
        texts.append((nc, nc, ind.get("note") or ""))
        w.fit(rr, texts)
    # merged level cells over runs of equal values
    for col, key, parent in ((2, "level1", None), (3, "level2", "level1")):
        k = 0
        while k < len(inds):
            j = k
            while (
                j + 1 < len(inds)
                and inds[j + 1][key] == inds[k][key]
                and (parent is None or inds[j + 1][parent] == inds[k][parent])
            ):
                j += 1
            w.put(first + k, col, inds[k][key], align="center")
            w.merge(first + k, col, first + j, col)
            k = j + 1
    w.put(h, 1, "绩效指标", align="center")
    w.merge(h, 1, first + max(len(inds), 1) - 1, 1)
    w.row = first + len(inds)


# ---------------------------------------------------------------- grids
#
# A `grid` is drawn from its truth: the value columns from their `/`-joined header paths (a
# head shared by neighbouring columns is one merged cell over them, a path shorter than the
# deepest runs down to the header's last row), the naming columns (科目编码 or 类/款/项,
# 科目名称 / 项目, a group column for `group/label` rows) from the rows themselves, income and
# expense sides side by side, and an empty table as its 合计 line, blank lines and a note.

CODED_ROLES = (
    "income_sources",
    "expense_split",
    "fiscal_functional",
    "economic_basic",
    "operating_costs",
    "government_fund",
    "state_capital",
)
ECONOMIC_ROLES = ("economic_basic", "operating_costs")
EMPTY_FUNDS = {"government_fund": "政府性基金预算", "state_capital": "国有资本经营预算"}
_MONEY = re.compile(r"^-?\d+\.\d{2}$")
_NUMBERED = re.compile(
    r"^([一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))"
)
_TOTAL_LABEL = re.compile(r"^(合计|总计|小计)$")


@dataclass
class GCol:
    """One printed column: its header path, what its cells hold, its width."""

    path: tuple[str, ...]
    role: str  # code, part, group, label (naming columns); amount, text (value columns)
    key: str | None = None  # the `values` key of a value column
    part: int = 0  # 类 0, 款 1, 项 2
    width: float = 14.0


@dataclass
class GPanel:
    """Columns printed side by side with one row of the table on each printed line."""

    cols: list[GCol]
    rows: list[dict[str, Any]]
    first: int = 1  # the sheet column of its first column


@dataclass
class GSide:
    """A side of the table (the whole table when it has none): its panels, then its foot,
    the total lines printed on the table's last lines (收入合计 | 支出合计 on one line)."""

    panels: list[GPanel]
    foot: list[dict[str, Any]] = field(default_factory=list)


def hw(opt: Options, word: str) -> str:
    """A naming column's header word as printed (--header-words applies)."""
    return opt.header_words.get(word, word)


def grid_column(opt: Options, name: str, sided: bool) -> str:
    """A value column's name as this template prints it (the truth gets the same name)."""
    parts = name.split("/")
    out = []
    for i, part in enumerate(parts):
        if sided and i == 0:
            part = side_word(opt, part)
        if i == len(parts) - 1:
            part = amount_word(opt, part)
        out.append(opt.header_words.get(part, part))
    return "/".join(out)


def naming_cols(
    opt: Options,
    role: str,
    coded: bool,
    parts: int,
    has_label: bool,
    grouped: bool,
    prefix: tuple[str, ...],
    label_word: str | None = None,
) -> list[GCol]:
    cols: list[GCol] = []
    top = prefix or ((opt.naming_top,) if opt.naming_top else ())
    econ = role in ECONOMIC_ROLES
    long_kind = "经济分类" if econ else "功能分类"
    if coded and has_label and opt.joined_codes:
        # `301 工资福利支出` in one column
        word = "科目" if opt.code_words == "short" else f"{long_kind}科目"
        return [GCol(top + (word,), "joined", width=34.0)]
    if coded:
        code_word = "科目编码" if opt.code_words == "short" else f"{long_kind}科目编码"
        if parts > 1:
            cols += [GCol(top + (code_word, "类款项"[i]), "part", part=i, width=5.0) for i in range(parts)]
        else:
            cols.append(GCol(top + (code_word,), "code", width=8.0 if econ else 11.0))
    if has_label:
        word = label_word or (
            ("科目名称" if opt.code_words == "short" else f"{long_kind}科目名称") if coded else opt.label_word
        )
        if grouped:
            cols.append(GCol(top + (word,), "group", width=16.0))
        cols.append(GCol(top + (word,), "label", width=28.0))
    return cols


def value_cols(names: list[str], text: set[str]) -> list[GCol]:
    return [
        GCol(tuple(n.split("/")), "text" if n in text else "amount", key=n, width=18.0 if n in text else 14.0)
        for n in names
    ]


def foot_split(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A side's rows and its total lines: the unnumbered rows after its last numbered one."""
    k = len(rows)
    while k > 0 and not _NUMBERED.match(rows[k - 1].get("label") or ""):
        k -= 1
    return (rows, []) if k == 0 else (rows[:k], rows[k:])


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    if not paths:
        return ()
    out: list[str] = []
    for parts in zip(*paths, strict=False):  # as far as the shortest path
        if len(set(parts)) != 1:
            break
        out.append(parts[0])
    return tuple(out)


def plan_grid(opt: Options, t: dict[str, Any]) -> tuple[list[GSide], set[str], bool]:
    """The sides and panels a grid truth prints as; renames its columns as printed.

    Returns (sides, the text columns, whether the table is printed empty)."""
    rows = t["rows"]
    sided = any(r.get("side") for r in rows)
    names = {c: grid_column(opt, c, sided) for c in t["columns"]}
    t["columns"] = [names[c] for c in t["columns"]]
    for r in rows:
        r["values"] = {names.get(k, k): v for k, v in (r.get("values") or {}).items()}
    text = {
        c
        for c in t["columns"]
        if any(v is not None and not _MONEY.match(v) for r in rows for k, v in r["values"].items() if k == c)
    }
    role = t.get("role") or "other"
    labels = [r.get("label") for r in rows]
    codes = [r.get("code") for r in rows if r.get("code")]
    # a label that is one of the row's own values (采购品目 …) is read from them: no name column
    derived = (
        not codes
        and any(labels)
        and all(lb is None or lb in r["values"].values() for lb, r in zip(labels, rows, strict=True))
    )
    has_label = any(labels) and not derived
    coded = bool(codes) or (
        has_label and role in CODED_ROLES and all(_TOTAL_LABEL.match(lb or "") for lb in labels)
    )
    grouped = has_label and any("/" in (lb or "") for lb in labels)
    longest = max((len(c) for c in codes), default=5 if role in ECONOMIC_ROLES else 7)
    parts = (3 if longest > 5 else 2 if longest > 3 else 1) if opt.split_codes else 1
    empty = not sided and all(v is None for r in rows for v in r["values"].values())
    if empty and opt.empty_no_total:
        rows = t["rows"] = []
    if not sided:
        cols = naming_cols(opt, role, coded, parts, has_label, grouped, ())
        cols += value_cols(t["columns"], text)
        return [GSide([GPanel(cols, rows)])], text, empty
    sides = []
    for side in ("income", "expense"):
        side_rows = [r for r in rows if r.get("side") == side]
        mine = [c for c in t["columns"] if any(c in r["values"] for r in side_rows)]
        prefix = _common_prefix([tuple(c.split("/"))[:-1] for c in mine])
        cols = naming_cols(opt, role, coded, parts, has_label, grouped, prefix)
        cols += value_cols(mine, text)
        body, foot = foot_split(side_rows)
        sides.append(GSide([GPanel(cols, body)], foot))
    return sides, text, False


def write_grid(w: Writer, t: dict[str, Any], n: int) -> None:
    opt = w.opt
    sides, text, empty = plan_grid(opt, t)
    values = [v for r in t["rows"] for k, v in r["values"].items() if k not in text]
    money = Money.choose(t, values, opt)
    t["unit"] = money.unit
    note = None
    if empty:
        fund = EMPTY_FUNDS.get(t.get("role") or "")
        note = (
            f"注：本部门{opt.year or ''}年无{fund}财政拨款安排的预算，故本表为空表。"
            if fund
            else "注：本表为空表。"
        )
        t["note"] = note
    render_sides(w, t, sides, money, n, empty=empty, note=note)


def render_sides(
    w: Writer,
    t: dict[str, Any],
    sides: list[GSide],
    money: Money,
    n: int,
    empty: bool = False,
    note: str | None = None,
) -> None:
    opt = w.opt
    cols: list[GCol] = []
    for side in sides:
        for p in side.panels:
            p.first = len(cols) + 1
            cols += p.cols
    w.set_widths([c.width for c in cols])
    w.title(t["title"], _appendix(n))
    w.unit_line(money.unit, force=t["kind"] == "grid")
    h0 = w.row
    depth = write_header(w, cols, h0)
    start = h0 + depth
    # the printed lines: (side index, panel index) -> row, per line
    lines: list[dict[tuple[int, int], dict[str, Any] | str]] = []
    if empty:
        rows = sides[0].panels[0].rows
        blank: list[dict[tuple[int, int], dict[str, Any] | str]] = [{} for _ in range(opt.empty_rows)]
        if opt.empty_mark:
            if blank:
                blank[0] = {(0, 0): "无"}
            else:
                blank = [{(0, 0): "无"}]
        mine: list[dict[tuple[int, int], dict[str, Any] | str]] = [{(0, 0): r} for r in rows]
        lines = blank + mine if opt.totals_at_foot else mine + blank
    else:
        body = max((len(p.rows) for s in sides for p in s.panels), default=0)
        foot = max((len(s.foot) for s in sides), default=0)
        for i in range(body):
            lines.append(
                {
                    (k, j): p.rows[i]
                    for k, s in enumerate(sides)
                    for j, p in enumerate(s.panels)
                    if i < len(p.rows)
                }
            )
        if foot:
            lines += [{} for _ in range(opt.pad_rows)]
            for i in range(foot):
                line: dict[tuple[int, int], dict[str, Any] | str] = {}
                for k, s in enumerate(sides):
                    at = i - (foot - len(s.foot))
                    if at >= 0:
                        line[(k, -1)] = s.foot[at]
                lines.append(line)
    last_parts: dict[tuple[int, int], list[str]] = {}
    groups: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for i, line in enumerate(lines):
        r = start + i
        for c in range(1, len(cols) + 1):
            w.put(r, c, None)
        texts: list[tuple[int, int, str]] = []
        for (k, j), row in line.items():
            side = sides[k]
            if isinstance(row, str):  # `无` on an empty table's first line
                w.put(r, 1, row, align="center")
                continue
            if j == -1 and len(side.panels) > 1:
                # a total line across a side's breakdowns: label over all but the last amounts
                last = side.panels[-1]
                c0 = side.panels[0].first
                c1 = last.first + sum(1 for c in last.cols if c.role not in ("amount", "text")) - 1
                w.put(r, c0, row.get("label"), align="center")
                w.merge(r, c0, r, c1)
                texts.append((c0, c1, row.get("label") or ""))
                write_values(w, last, row, r, money, texts)
                continue
            p = side.panels[j if j >= 0 else -1]
            key = (k, j if j >= 0 else len(side.panels) - 1)
            write_names(
                w, p, row, r, last_parts.setdefault(key, ["", "", ""]), groups.setdefault(key, []), texts
            )
            write_values(w, p, row, r, money, texts)
        w.fit(r, texts)
        if opt.break_every and (i + 1) % opt.break_every == 0 and i + 1 < len(lines):
            w.ws.row_breaks.append(Break(id=r))
    # a group cell merged down over the rows it names
    for key, runs in groups.items():
        if not runs:
            continue
        k, j = key
        p = sides[k].panels[j]
        gc = p.first + next(i for i, c in enumerate(p.cols) if c.role == "group")
        i = 0
        while i < len(runs):
            e = i
            while e + 1 < len(runs) and runs[e + 1][1] == runs[i][1] and runs[e + 1][0] == runs[e][0] + 1:
                e += 1
            w.put(runs[i][0], gc, runs[i][1], align="center")
            w.merge(runs[i][0], gc, runs[e][0], gc)
            w.tall.append((runs[i][0], runs[e][0], gc, gc, runs[i][1]))
            i = e + 1
    w.row = start + len(lines)
    if note:
        r = w.row
        if opt.note_in_grid:
            w.put(r, 1, note)
            w.merge(r, 1, r, len(cols))
        else:
            c = w.ws.cell(row=r, column=1, value=note)
            c.font = w.font()
            c.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
            w.ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(cols))
        w.fit(r, [(1, len(cols), note)])
        w.row += 1
    wide = len(cols) > 7 or sum(w.widths[: len(cols)]) > 120
    setup_page(w.ws, landscape=wide, header_rows=(h0, h0 + depth - 1), footer=False)


def write_header(w: Writer, cols: list[GCol], r0: int) -> int:
    """The header rows from the columns' paths; returns how many rows they take."""
    depth = max(len(c.path) for c in cols)
    for k in range(depth):
        j = 0
        while j < len(cols):
            path = cols[j].path
            if len(path) <= k:
                j += 1
                continue
            leaf = len(path) == k + 1
            e = j
            while (
                e + 1 < len(cols)
                and cols[e + 1].path[: k + 1] == path[: k + 1]
                and (len(cols[e + 1].path) == k + 1) == leaf
            ):
                e += 1
            r1 = r0 + depth - 1 if leaf else r0 + k
            text = path[k] if cols[j].role in ("amount", "text") else hw(w.opt, path[k])
            w.put(r0 + k, j + 1, text, align="center")
            w.merge(r0 + k, j + 1, r1, e + 1)
            if r1 > r0 + k:
                w.tall.append((r0 + k, r1, j + 1, e + 1, text))
            j = e + 1
    for r in range(r0, r0 + depth):
        w.ws.row_dimensions[r].height = max(w.ws.row_dimensions[r].height or 0, w.opt.size * 1.4 + 3)
    return depth


def write_names(
    w: Writer,
    p: GPanel,
    row: dict[str, Any],
    r: int,
    last: list[str],
    groups: list[tuple[int, str]],
    texts: list[tuple[int, int, str]],
) -> None:
    naming = [c for c in p.cols if c.role in ("code", "part", "group", "label", "joined")]
    if not naming:
        return
    code = row.get("code") or ""
    label = row.get("label")
    first = p.first
    if naming[0].role == "joined":
        text = f"{code} {label}" if code else label
        w.put(r, first, text, align="left" if code else "center")
        texts.append((first, first, text or ""))
        return
    code_cols = [i for i, c in enumerate(naming) if c.role in ("code", "part")]
    label_cols = [i for i, c in enumerate(naming) if c.role in ("group", "label")]
    if code_cols and not code:
        # 合计 across the code and name columns
        c1 = first + len(naming) - 1
        w.put(r, first, label, align="center")
        w.merge(r, first, r, c1)
        texts.append((first, c1, label or ""))
        return
    for i in code_cols:
        c = naming[i]
        if c.role == "code":
            w.put(r, first + i, code or None, align="left")
            continue
        parts = [code[:3], code[3:5], code[5:7]]
        shown: Any = parts[c.part]
        if (
            w.opt.sparse_codes
            and shown
            and parts[: c.part + 1] == last[: c.part + 1]
            and any(parts[c.part + 1 :])
        ):
            shown = ""
        if shown and c.part and w.opt.unpadded_parts:
            shown = int(shown)  # a number cell: `3` for 03
        w.put(r, first + i, shown or None, align="center")
    if code_cols:
        last[:] = [code[:3], code[3:5], code[5:7]]
    if not label_cols:
        return
    lc = first + label_cols[-1]
    if len(label_cols) > 1:
        gc = first + label_cols[0]
        if label and "/" in label:
            group, leaf = label.split("/", 1)
            groups.append((r, group))
            w.put(r, lc, leaf)
            texts.append((lc, lc, leaf))
        else:
            w.put(r, gc, label, align="center")
            w.merge(r, gc, r, lc)
            texts.append((gc, lc, label or ""))
        return
    centered = bool(label) and bool(_TOTAL_LABEL.match(label or "")) and not code
    w.put(r, lc, label, align="center" if centered else "left")
    if w.opt.indent and code and not centered:
        # 款 and 项 names set in under their 类
        w.ws.cell(row=r, column=lc).alignment = Alignment(
            horizontal="left", vertical="center", wrap_text=True, indent=(len(code) - 3) // 2
        )
    texts.append((lc, lc, label or ""))


def write_values(
    w: Writer, p: GPanel, row: dict[str, Any], r: int, money: Money, texts: list[tuple[int, int, str]]
) -> None:
    values = row.get("values") or {}
    for i, c in enumerate(p.cols):
        if c.role == "amount":
            w.put(r, p.first + i, money.value(values.get(c.key)), fmt=money.fmt, align="right")
        elif c.role == "text":
            v = values.get(c.key)
            w.put(r, p.first + i, v)
            texts.append((p.first + i, p.first + i, v or ""))


def write_summary_panels(w: Writer, t: dict[str, Any], adjustment: bool, n: int) -> None:
    """The 收支总表 laid out as the 部门预算公开 packages print it: each side's totals on the
    table's last lines, and an expense side printed in two breakdowns (by function, by use)
    side by side where its numbering starts again (`一、基本支出` after `二十一、其他支出`)."""
    opt = w.opt
    rows = t["rows"]
    sets = COLS if adjustment else ("initial",)
    money = Money.choose(t, [r.get(c) for r in rows for c in sets], opt)
    t["unit"] = money.unit
    heads = {
        "initial": "年初预算数" if adjustment else "预算数",
        "adjusted": "调整预算数",
        "change": "增减数",
    }
    sides = []
    for side, base in (("income", "收入"), ("expense", "支出")):
        side_rows = [
            {"side": side, "code": None, "label": r["label"], "values": {s: r.get(s) for s in sets}}
            for r in rows
            if r["side"] == side
        ]
        body, foot = foot_split(side_rows)
        restart = next((i for i, r in enumerate(body) if i and (r["label"] or "").startswith("一、")), None)
        if not opt.totals_at_foot and restart is None:
            body, foot = side_rows, []
        top = head(opt, base)
        breakdowns = [body] if restart is None else [body[:restart], body[restart:]]
        words = (
            [(None, opt.label_word)]
            if restart is None
            else [("功能分类", "功能科目名称"), ("支出用途", opt.label_word)]
        )
        panels = []
        for part, (bd, label) in zip(breakdowns, words, strict=True):
            if opt.side_header == "label" and restart is None:
                prefix: tuple[str, ...] = ()
                label = top
            else:
                prefix = (top,) + ((hw(opt, bd),) if bd else ())
            cols = [GCol(prefix + (hw(opt, label),), "label", width=30.0)]
            cols += [GCol(prefix + (head(opt, heads[s], money.unit),), "amount", key=s) for s in sets]
            panels.append(GPanel(cols, part))
        sides.append(GSide(panels, foot))
    render_sides(w, t, sides, money, n)


# ---------------------------------------------------------------- workbook


def round_amounts(obj: Any, factor: Decimal) -> Any:
    """Every amount of a table rounded to 0.01 of the printed unit, as a producer printing
    万元 with two places shows it (the variant's truth then holds what is printed)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("indicators", "pages", "code", "label", "name", "title", "project", "note"):
                continue
            if isinstance(v, str) and _MONEY.match(v):
                obj[k] = f"{(Decimal(v) / factor).quantize(Decimal('0.01')) * factor:.2f}"
            else:
                round_amounts(v, factor)
    elif isinstance(obj, list):
        for v in obj:
            round_amounts(v, factor)
    return obj


def printed_lines(t: dict[str, Any], opt: Options) -> int:
    """About how many data lines a table prints (to pack small ones)."""
    rows = t.get("rows") or []
    if t["kind"] == "grid":
        sides = [[r for r in rows if r.get("side") == s] for s in ("income", "expense")]
        if any(sides):
            return max(len(s) for s in sides) + opt.pad_rows
        if all(v is None for r in rows for v in (r.get("values") or {}).values()):
            return len(rows) + opt.empty_rows + 1
    if t["kind"] == "income_expense_summary":
        return max(sum(r["side"] == s for r in rows) for s in ("income", "expense"))
    return len(rows)


def selected(only: list[str] | None, i: int, table: dict[str, Any]) -> bool:
    """--only: 1-based table numbers of the truth, kinds or grid roles."""
    if not only:
        return True
    return str(i) in only or table["kind"] in only or table.get("role") in only


def build(
    doc: dict[str, Any],
    opt: Options,
    kinds: tuple[str, ...],
    max_projects: int | None,
    only: list[str] | None = None,
) -> tuple[Workbook, list[Placed]]:
    adjustment = doc["stage"] == "adjustment"
    wb = Workbook()
    wb.remove(wb.active)
    placed: list[Placed] = []
    n = 0
    projects = 0
    stacked: Writer | None = None
    packing: Writer | None = None  # the sheet small tables are put on, two by two
    packed = 0
    for i, table in enumerate(doc["tables"], 1):
        kind = table["kind"]
        if kind not in kinds or not selected(only, i, table):
            continue
        if kind == "project_performance":
            projects += 1
            if max_projects is not None and projects > max_projects:
                continue
        t = copy.deepcopy(table)
        n += 1
        if opt.round_unit and opt.unit:
            round_amounts(t, FACTORS[opt.unit])
        if kind == "project_performance":
            if opt.layout == "stacked":
                if stacked is None:
                    stacked = Writer(wb.create_sheet(f"绩效{n}"), opt)
                    stacked.set_widths(perf_widths(adjustment))
                    setup_page(stacked.ws, landscape=adjustment, header_rows=None, footer=True)
                elif stacked.row > 1:
                    stacked.row += 1  # a blank row between two tables
                w = stacked
            else:
                w = Writer(wb.create_sheet(f"绩效{n}"), opt)
                w.set_widths(perf_widths(adjustment))
                setup_page(w.ws, landscape=adjustment, header_rows=None, footer=False)
            write_project_performance(w, t, adjustment)
            w.fit_all()
            # the `项目名称 | name` row: the name alone is also a row of the project list
            placed.append(Placed(t, w.ws.title, "项目名称" + t["project"][:16]))
            continue
        if opt.pack is not None and printed_lines(t, opt) <= opt.pack:
            if packing is not None and packed < 2:
                w = packing
                w.row += 2  # two blank rows between two tables on one page
            else:
                w = packing = Writer(wb.create_sheet(f"表{n}"), opt, packed=True)
                w.ws._repeat_headers = False  # type: ignore[attr-defined]
                w.ws._packed = True  # type: ignore[attr-defined]
                packed = 0
            packed += 1
        else:
            packing = None
            w = Writer(wb.create_sheet(f"表{n}"), opt)
            w.ws._repeat_headers = opt.repeat_headers  # type: ignore[attr-defined]
        w.ws._footer = opt.footer  # type: ignore[attr-defined]
        w.ws._repeat_title = opt.repeat_title  # type: ignore[attr-defined]
        if kind == "functional_expenditure":
            write_functional(w, t, adjustment, n)
        elif kind in ("project_expenditure", "transfer_payment"):
            write_project_list(w, t, adjustment, n)
        elif kind == "income_expense_summary":
            if summary_panels(t, opt):
                write_summary_panels(w, t, adjustment, n)
            else:
                write_summary(w, t, adjustment, n)
        elif kind == "grid":
            write_grid(w, t, n)
        w.fit_all()
        w.fit_tall()
        if opt.break_every and w.data_start is not None:
            # a typed table's page breaks (a grid's are set as it is written)
            for r in range(w.data_start + opt.break_every - 1, w.row - 1, opt.break_every):
                w.ws.row_breaks.append(Break(id=r))
        placed.append(Placed(t, w.ws.title, t["title"]))
    return wb, placed


def summary_panels(t: dict[str, Any], opt: Options) -> bool:
    """Whether a 收支总表 is drawn by `write_summary_panels`: asked for, or a side in two
    breakdowns (the corpus's are drawn as they always were)."""
    if opt.totals_at_foot or opt.side_header != "over" or opt.pad_rows:
        return True
    expense = [r for r in t["rows"] if r["side"] == "expense"]
    return any(i and (r["label"] or "").startswith("一、") for i, r in enumerate(expense))


def convert(xlsx: Path, outdir: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        # a private profile: soffice refuses to run beside another instance's profile
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(xlsx),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return outdir / (xlsx.stem + ".pdf")


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def find_pages(pdf_path: Path, placed: list[Placed]) -> None:
    """Each table's pages: from the page its marker (title or project name) is printed on
    to the page before the next table's, or that page too when the next one starts below
    some of this table's rows."""
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        pages = []
        for page in pdf.pages:
            words = page.extract_words(use_text_flow=True)
            groups: list[list[dict[str, Any]]] = []
            for wd in sorted(words, key=lambda x: x["top"]):
                if groups and wd["top"] - groups[-1][0]["top"] < 2:
                    groups[-1].append(wd)
                else:
                    groups.append([wd])
            pages.append(
                [
                    (g[0]["top"], _squash("".join(wd["text"] for wd in sorted(g, key=lambda x: x["x0"]))))
                    for g in groups
                ]
            )
    starts: list[tuple[int, float]] = []
    p = 0
    for item in placed:
        marker = _squash(item.marker)
        found = None
        for i in range(p, len(pages)):
            for k, (top, text) in enumerate(pages[i]):
                # a title wrapped in its merged cell is on two lines
                two = text + (pages[i][k + 1][1] if k + 1 < len(pages[i]) else "")
                if (marker in text or 0 <= two.find(marker) < len(text)) and (i, top) not in starts:
                    found = (i, top)
                    break
            if found:
                break
        if found is None:
            raise SystemExit(f"table not found in the PDF: {item.marker}")
        title = _squash(item.table["title"])[:12]
        if item.marker != item.table["title"]:
            i, mtop = found
            above = [top for top, text in pages[i] if title in text and top < mtop]
            if above:
                found = (i, max(above))
            elif i > 0 and any(title in text for _, text in pages[i - 1][-3:]):
                # the title printed at the foot of the page before: the table starts there
                found = (i - 1, max(top for top, text in pages[i - 1] if title in text))
        starts.append(found)
        p = found[0]
    for k, item in enumerate(placed):
        first = starts[k][0]
        if k + 1 < len(placed):
            nxt, top = starts[k + 1]
            # anything above the next table's title (bar a footer or `附表N`) is this table's
            head = [
                t
                for t, text in pages[nxt]
                if t < top - 2 and not _footer(text) and not re.match(r"^附表\d+$", text)
            ]
            last = nxt if head and nxt > first else max(first, nxt - 1)
            if nxt == first:
                last = first
        else:
            last = len(pages) - 1
            while last > first and not [t for t, text in pages[last] if not _footer(text)]:
                last -= 1
        item.table["pages"] = list(range(first + 1, last + 2))


def _footer(text: str) -> bool:
    return text.startswith("第") and "页" in text and len(text) < 16


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("truth", type=Path)
    ap.add_argument("--out", type=Path, required=True, help="OUT: writes OUT.xlsx, OUT.pdf, OUT.json")
    ap.add_argument("--font", default=Options.font, help="body font")
    ap.add_argument("--title-font", default=Options.title_font)
    ap.add_argument("--size", type=float, default=Options.size, help="body font size")
    ap.add_argument("--width-scale", type=float, default=1.0, help="column widths ×S (0.7…1.5)")
    ap.add_argument("--unit", choices=sorted(FACTORS), help="print amounts in this unit where exact")
    ap.add_argument("--split-codes", action="store_true", help="codes as 类/款/项 (economic: 类/款) columns")
    ap.add_argument(
        "--sparse-codes",
        action="store_true",
        help="with --split-codes: print only the code parts that changed",
    )
    ap.add_argument("--layout", choices=("sheets", "stacked"), default="sheets")
    ap.add_argument("--row-height", type=float, help="data row height in points (grown to fit text)")
    ap.add_argument("--dash", action="store_true", help="print blank amounts as '-'")
    ap.add_argument("--no-appendix", action="store_true", help="no `附表N` line above titles")
    ap.add_argument(
        "--joined-codes", action="store_true", help="code and name printed in one cell (`301 工资福利支出`)"
    )
    ap.add_argument(
        "--alt-headers",
        action="store_true",
        help="another template's header words (`2024年年初预算数`, `增（+）减（-）数`, ...)",
    )
    ap.add_argument(
        "--header-words",
        default="",
        help="header words replaced as printed: `科目名称=功能科目名称,增减数=增减变化`",
    )
    ap.add_argument("--org-line", action="store_true", help="`编制单位：<department>` on the unit line")
    ap.add_argument(
        "--numbers",
        choices=("comma", "plain", "paren", "bare"),
        default="comma",
        help="number format: 1,234.00 / 1234.00 / negatives as (1,234.00)",
    )
    ap.add_argument(
        "--unit-in-header",
        action="store_true",
        help="the unit in the amount headers (`年初预算数（万元）`), no `单位：` line "
        "(typed kinds; a grid keeps its `单位：` line)",
    )
    ap.add_argument(
        "--no-repeat-headers",
        action="store_true",
        help="long tables continue on the next page without their header rows",
    )
    ap.add_argument("--kinds", default=",".join(KINDS), help="table kinds to render")
    ap.add_argument("--max-projects", type=int, help="render only the first N project target tables")
    ap.add_argument("--no-pages", action="store_true", help="leave `pages` out of the truth")
    g = ap.add_argument_group("部门预算公开 packages (grids, the summary)")
    g.add_argument(
        "--only",
        help="render only these tables: 1-based numbers in the truth, "
        "kinds or grid roles (`1,3,three_public`)",
    )
    g.add_argument(
        "--side-words",
        choices=("keep", "benian", "plain", "item"),
        default="keep",
        help="two-sided heads: as in the truth, 本年收入|本年支出, 收入|支出, 收入项目|支出项目",
    )
    g.add_argument(
        "--amount-word", help="the word of a lone amount column (预算数, 金额, …); `year`: 2026年预算数"
    )
    g.add_argument(
        "--org-label",
        default=Options.org_label,
        help="with --org-line: the label before the name (编制部门, 部门, …)",
    )
    g.add_argument(
        "--org-apart", action="store_true", help="with --org-line: `部门：` and the name in separate cells"
    )
    g.add_argument(
        "--unit-after-org",
        action="store_true",
        help="with --org-line: `编制单位：XX    单位：万元` as one text (spaces between)",
    )
    g.add_argument(
        "--org-in-grid",
        action="store_true",
        help="the `部门：… 单位：万元` line printed as the table's first ruled row",
    )
    g.add_argument(
        "--title-in-grid",
        action="store_true",
        help="the title printed in the table's first ruled row (and the unit line under it)",
    )
    g.add_argument(
        "--appendix-format",
        default=Options.appendix_format,
        help="the mark above a title: `附表{n}`, `公开表{cn}` (公开表一) …",
    )
    g.add_argument(
        "--appendix-below", action="store_true", help="the appendix mark between the title and the unit line"
    )
    g.add_argument(
        "--code-words",
        choices=("short", "long"),
        default="short",
        help="grid naming heads: 科目编码/科目名称, or 功能分类科目编码/经济分类科目名称",
    )
    g.add_argument(
        "--label-word",
        default=Options.label_word,
        help="the name column of a table without codes, and of the summary (项目名称)",
    )
    g.add_argument("--naming-top", help="a head printed over a grid's naming columns (`项目`)")
    g.add_argument(
        "--totals-at-foot",
        action="store_true",
        help="a summary's totals on the table's last lines; an empty table's 合计 last",
    )
    g.add_argument(
        "--pad-rows", type=int, default=0, help="blank ruled lines before the totals of a two-sided table"
    )
    g.add_argument(
        "--empty-rows",
        type=int,
        default=Options.empty_rows,
        help="blank ruled lines of a table printed empty",
    )
    g.add_argument("--empty-mark", action="store_true", help="an empty table prints `无` first")
    g.add_argument(
        "--empty-no-total",
        action="store_true",
        help="an empty table without its 合计 line (the truth: rows [])",
    )
    g.add_argument(
        "--note-in-grid",
        action="store_true",
        help="an empty table's note as its last ruled row, not under it",
    )
    g.add_argument(
        "--break-every", type=int, help="a page break after every N data lines (a long table over pages)"
    )
    g.add_argument("--pack", type=int, help="tables of at most N lines are printed two to a page")
    g.add_argument(
        "--side-header",
        choices=("over", "label"),
        default="over",
        help="summary: 收入 over 项目|预算数, or one row `收入项目 | 预算数 | 支出项目 | …`",
    )
    g.add_argument(
        "--repeat-title",
        action="store_true",
        help="a long table's title and unit line repeated on every page with its headers",
    )
    g.add_argument(
        "--unpadded-parts",
        action="store_true",
        help="with --split-codes: 款/项 printed as numbers (`3` for 03)",
    )
    g.add_argument(
        "--round",
        action="store_true",
        help="with --unit: print amounts not exact in it rounded to 0.01 (the truth too)",
    )
    g.add_argument("--footer", action="store_true", help="`第 N 页，共 M 页` under every page")
    g.add_argument("--indent", action="store_true", help="grid names indented by code level")
    g.add_argument(
        "--borders",
        choices=("all", "horizontal"),
        default="all",
        help="ruled cells, or rules between rows only (no vertical lines)",
    )
    args = ap.parse_args(argv)
    opt = Options(
        font=args.font,
        title_font=args.title_font,
        size=args.size,
        width_scale=args.width_scale,
        unit=args.unit,
        split_codes=args.split_codes,
        sparse_codes=args.sparse_codes,
        layout=args.layout,
        row_height=args.row_height,
        dash=args.dash,
        appendix=not args.no_appendix,
        joined_codes=args.joined_codes,
        alt_headers=args.alt_headers,
        numbers=args.numbers,
        unit_in_header=args.unit_in_header,
        repeat_headers=not args.no_repeat_headers,
        header_words=dict(pair.split("=", 1) for pair in args.header_words.split(",") if "=" in pair),
        side_words=args.side_words,
        amount_word=args.amount_word,
        org_label=args.org_label,
        org_apart=args.org_apart,
        unit_after_org=args.unit_after_org,
        org_in_grid=args.org_in_grid,
        title_in_grid=args.title_in_grid,
        appendix_format=args.appendix_format,
        appendix_below=args.appendix_below,
        code_words=args.code_words,
        label_word=args.label_word,
        naming_top=args.naming_top,
        totals_at_foot=args.totals_at_foot,
        pad_rows=args.pad_rows,
        empty_rows=args.empty_rows,
        empty_mark=args.empty_mark,
        note_in_grid=args.note_in_grid,
        break_every=args.break_every,
        pack=args.pack,
        side_header=args.side_header,
        repeat_title=args.repeat_title,
        unpadded_parts=args.unpadded_parts,
        round_unit=args.round,
        footer=args.footer,
        indent=args.indent,
        borders=args.borders,
        empty_no_total=args.empty_no_total,
    )
    doc = json.loads(args.truth.read_text(encoding="utf-8"))
    opt.year = doc.get("year")
    opt.org_line = doc.get("department") if args.org_line else None
    kinds = tuple(k for k in args.kinds.split(",") if k)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        ap.error(f"cannot render {sorted(unknown)}; renderable: {', '.join(KINDS)}")
    if shutil.which("soffice") is None:
        ap.error("soffice (LibreOffice) is not installed")
    only = [x.strip() for x in args.only.split(",") if x.strip()] if args.only else None
    wb, placed = build(doc, opt, kinds, args.max_projects, only)
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    xlsx = out.with_suffix(".xlsx")
    wb.save(xlsx)
    pdf = convert(xlsx, out.parent)
    if args.no_pages:
        for item in placed:
            item.table.pop("pages", None)
    else:
        find_pages(pdf, placed)
    variant = {k: v for k, v in doc.items() if k not in ("tables", "scope")}
    variant["tables"] = [item.table for item in placed]
    out.with_suffix(".json").write_text(
        json.dumps(variant, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{pdf} ({len(placed)} tables)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
