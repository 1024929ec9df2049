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
from openpyxl.worksheet.worksheet import Worksheet

KINDS = ("income_expense_summary", "functional_expenditure", "project_expenditure",
         "project_performance", "transfer_payment")
COLS = ("initial", "adjusted", "change")
SPLITS = ("total", "basic", "project")
FACTORS = {"元": Decimal(1), "万元": Decimal(10000)}
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
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


def head(opt: Options, word: str, unit: str | None = None) -> str:
    """A column header as this template words it (with the unit, if it goes there)."""
    if unit and opt.unit_in_header:
        return f"{head(opt, word)}（{unit}）"
    if word in opt.header_words:
        return opt.header_words[word]
    if not opt.alt_headers:
        return word
    year = f"{opt.year}年" if opt.year else ""
    alt = {"年初预算数": f"{year}年初预算数", "本年预算数": f"{year}预算数",
           "调整预算数": f"{year}调整预算数", "增减数": "增（+）减（-）数",
           "科目编码": "功能分类科目编码", "科目名称": "功能分类科目名称", "项目名称": "项目名称",
           "预算数": f"{year}预算数", "收入": "收入项目", "支出": "支出项目"}
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

    def font(self, bold: bool = False, size: float | None = None, title: bool = False) -> Font:
        return Font(name=self.opt.title_font if title else self.opt.font, bold=bold,
                    size=size or self.opt.size)

    def put(self, r: int, c: int, value: Any, *, fmt: str | None = None, align: str = "left",
            bold: bool = False, border: bool = True) -> None:
        cell = self.ws.cell(row=r, column=c, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # `=100%` is an indicator value, not a formula
        cell.font = self.font(bold=bold)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        if border:
            cell.border = BORDER
        if fmt:
            cell.number_format = fmt
            if isinstance(value, Decimal):
                places = len(fmt.split(";")[0].split(".")[-1])
                self._room_for(c, f"({value:,.{places}f})")

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
                cell.border = BORDER
        if (r0, c0) != (r1, c1):
            self.ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)

    def title(self, text: str, appendix: str | None) -> None:
        if appendix and self.opt.appendix:
            c = self.ws.cell(row=self.row, column=1, value=appendix)
            c.font = self.font()
            self.row += 1
        c = self.ws.cell(row=self.row, column=1, value=text)
        c.font = self.font(bold=True, size=16, title=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row,
                            end_column=self.ncols)
        # a long title wraps in its merged cell: give it the lines it needs
        width = sum(self.widths) if self.widths else 100.0
        lines = math.ceil(_text_width(text) * 16 / self.opt.size / max(1.0, (width - 2) * 0.9))
        self.ws.row_dimensions[self.row].height = max(30, lines * 16 * 1.35 + 6)
        self.row += 1

    def unit_line(self, unit: str) -> None:
        if self.opt.unit_in_header:
            return
        if self.opt.org_line:
            c = self.ws.cell(row=self.row, column=1, value=f"编制单位：{self.opt.org_line}")
            c.font = self.font()
        c = self.ws.cell(row=self.row, column=self.ncols, value=f"单位：{unit}")
        c.font = self.font()
        c.alignment = Alignment(horizontal="right", vertical="center")
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
        self.ws.row_dimensions[r].height = max(self.opt.row_height or 0,
                                               self.ws.row_dimensions[r].height or 0,
                                               lines * size * 1.4 + 3)

    def fit_all(self) -> None:
        """Fit every row to the text of its cells that span one row (headers included)."""
        spans = {(m.min_row, m.min_col): m for m in self.ws.merged_cells.ranges}
        inside = {(r, c) for m in self.ws.merged_cells.ranges
                  for r in range(m.min_row, m.max_row + 1)
                  for c in range(m.min_col, m.max_col + 1)} - set(spans)
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
        self.widths = [w * self.opt.width_scale for w in widths]
        self.ncols = len(widths)
        for i, w in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = w


def _text_width(text: str) -> float:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def setup_page(ws: Worksheet, landscape: bool, header_rows: tuple[int, int] | None,
               footer: bool) -> None:
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if header_rows and ws.parent is not None and getattr(ws, "_repeat_headers", True):
        ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
    if footer:
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
        ok = all(v is None or (Decimal(v) / FACTORS[unit]).quantize(Decimal("0.0001"))
                 == Decimal(v) / FACTORS[unit] for v in values)
        if not ok:
            print(f"  {table['kind']}: not exact in {unit}, kept {table['unit']}", file=sys.stderr)
            unit = table["unit"]
        return cls(unit, values, opt)

    def value(self, v: str | None) -> Any:
        if v is None:
            return "-" if self.opt.dash else None
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
    widths = [6.0] * 3 if w.opt.split_codes else [6.0 if w.opt.joined_codes else 11.0]
    widths += [26.0] + [13.0] * (3 * len(sets)) + ([8.0] if adjustment else [])
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
        w.put(h0, 1, head(w.opt, "科目编码及名称" if w.opt.alt_headers else "功能分类科目"),
              align="center")
        w.merge(h0, 1, h0 + 1, name_col)
    else:
        w.put(h0, name_col, head(w.opt, "科目名称"), align="center")
        w.merge(h0, name_col, h0 + 1, name_col)
    heads = {"initial": "年初预算数" if adjustment else "本年预算数", "adjusted": "调整预算数",
             "change": "增减数"}
    col = name_col + 1
    for s in sets:
        w.put(h0, col, head(w.opt, heads[s], money.unit), align="center")
        w.merge(h0, col, h0, col + 2)
        for i, sub in enumerate(("合计", "基本支出", "项目支出")):
            w.put(h0 + 1, col + i, head(w.opt, sub), align="center")
        col += 3
    if adjustment:
        w.put(h0, col, head(w.opt, "备注"), align="center")
        w.merge(h0, col, h0 + 1, col)
    w.row = h0 + 2
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
                    if parts[i] and parts[:i + 1] == last[:i + 1] and any(parts[i + 1:]):
                        shown[i] = ""
            last = parts
            for i in range(3):
                w.put(w.row, 1 + i, shown[i] or None, align="center")
            if not code:
                w.put(w.row, 1, r["name"], align="center")
                w.merge(w.row, 1, w.row, name_col)
        elif w.opt.joined_codes:
            # `科目编码 | 科目名称` headers over one column that prints `2050303 技校教育`
            w.put(w.row, 1, f"{code} {r['name']}" if code else r["name"],
                  align="left" if code else "center")
            w.merge(w.row, 1, w.row, name_col)
        else:
            w.put(w.row, 1, code or None)
        if not w.opt.joined_codes and (code or not w.opt.split_codes):
            # (a split-code 合计 row already spans the code and name columns)
            w.put(w.row, name_col, r["name"], align="left" if code else "center")
        col = name_col + 1
        for s in sets:
            for sp in SPLITS:
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
    heads = {"initial": "年初预算数" if adjustment else "预算数", "adjusted": "调整预算数",
             "change": "增减数"}
    w.put(h0, 1, head(w.opt, "项目名称"), align="center")
    for i, s in enumerate(sets):
        w.put(h0, 2 + i, head(w.opt, heads[s], money.unit), align="center")
    w.put(h0, 2 + len(sets), head(w.opt, "备注"), align="center")
    w.row = h0 + 1
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
    heads = {"initial": "年初预算数" if adjustment else "预算数", "adjusted": "调整预算数",
             "change": "增减数"}
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
                w.put(w.row, c0 + 1 + j, money.value(r.get(s)) if r else None, fmt=money.fmt,
                      align="right")
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
            while (j + 1 < len(inds) and inds[j + 1][key] == inds[k][key]
                   and (parent is None or inds[j + 1][parent] == inds[k][parent])):
                j += 1
            w.put(first + k, col, inds[k][key], align="center")
            w.merge(first + k, col, first + j, col)
            k = j + 1
    w.put(h, 1, "绩效指标", align="center")
    w.merge(h, 1, first + max(len(inds), 1) - 1, 1)
    w.row = first + len(inds)


# ---------------------------------------------------------------- workbook

def build(doc: dict[str, Any], opt: Options, kinds: tuple[str, ...],
          max_projects: int | None) -> tuple[Workbook, list[Placed]]:
    adjustment = doc["stage"] == "adjustment"
    wb = Workbook()
    wb.remove(wb.active)
    placed: list[Placed] = []
    n = 0
    projects = 0
    stacked: Writer | None = None
    for table in doc["tables"]:
        kind = table["kind"]
        if kind not in kinds:
            continue
        if kind == "project_performance":
            projects += 1
            if max_projects is not None and projects > max_projects:
                continue
        t = copy.deepcopy(table)
        n += 1
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
        w = Writer(wb.create_sheet(f"表{n}"), opt)
        w.ws._repeat_headers = opt.repeat_headers  # type: ignore[attr-defined]
        if kind == "functional_expenditure":
            write_functional(w, t, adjustment, n)
        elif kind in ("project_expenditure", "transfer_payment"):
            write_project_list(w, t, adjustment, n)
        elif kind == "income_expense_summary":
            write_summary(w, t, adjustment, n)
        w.fit_all()
        placed.append(Placed(t, w.ws.title, t["title"]))
    return wb, placed


def convert(xlsx: Path, outdir: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        # a private profile: soffice refuses to run beside another instance's profile
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(outdir), str(xlsx)],
                       check=True, capture_output=True, timeout=300)
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
            pages.append([(g[0]["top"], _squash("".join(
                wd["text"] for wd in sorted(g, key=lambda x: x["x0"])))) for g in groups])
    starts: list[tuple[int, float]] = []
    p = 0
    for item in placed:
        marker = _squash(item.marker)
        found = None
        for i in range(p, len(pages)):
            for top, text in pages[i]:
                if marker in text and (i, top) not in starts:
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
            head = [t for t, text in pages[nxt] if t < top - 2 and not _footer(text)
                    and not re.match(r"^附表\d+$", text)]
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
    ap.add_argument("--split-codes", action="store_true", help="functional codes as 类/款/项 columns")
    ap.add_argument("--sparse-codes", action="store_true",
                    help="with --split-codes: print only the code parts that changed")
    ap.add_argument("--layout", choices=("sheets", "stacked"), default="sheets")
    ap.add_argument("--row-height", type=float, help="data row height in points (grown to fit text)")
    ap.add_argument("--dash", action="store_true", help="print blank amounts as '-'")
    ap.add_argument("--no-appendix", action="store_true", help="no `附表N` line above titles")
    ap.add_argument("--joined-codes", action="store_true",
                    help="functional code and name printed in one (merged) cell")
    ap.add_argument("--alt-headers", action="store_true",
                    help="another template's header words (`2024年年初预算数`, `增（+）减（-）数`, ...)")
    ap.add_argument("--header-words", default="",
                    help="header words replaced as printed: `科目名称=功能科目名称,增减数=增减变化`")
    ap.add_argument("--org-line", action="store_true", help="`编制单位：<department>` on the unit line")
    ap.add_argument("--numbers", choices=("comma", "plain", "paren"), default="comma",
                    help="number format: 1,234.00 / 1234.00 / negatives as (1,234.00)")
    ap.add_argument("--unit-in-header", action="store_true",
                    help="the unit in the amount headers (`年初预算数（万元）`), no `单位：` line")
    ap.add_argument("--no-repeat-headers", action="store_true",
                    help="long tables continue on the next page without their header rows")
    ap.add_argument("--kinds", default=",".join(KINDS), help="table kinds to render")
    ap.add_argument("--max-projects", type=int, help="render only the first N project target tables")
    ap.add_argument("--no-pages", action="store_true", help="leave `pages` out of the truth")
    args = ap.parse_args(argv)
    opt = Options(font=args.font, title_font=args.title_font, size=args.size,
                  width_scale=args.width_scale, unit=args.unit, split_codes=args.split_codes,
                  sparse_codes=args.sparse_codes, layout=args.layout, row_height=args.row_height,
                  dash=args.dash, appendix=not args.no_appendix, joined_codes=args.joined_codes,
                  alt_headers=args.alt_headers, numbers=args.numbers,
                  unit_in_header=args.unit_in_header, repeat_headers=not args.no_repeat_headers,
                  header_words=dict(pair.split("=", 1) for pair in args.header_words.split(",")
                                    if "=" in pair))
    doc = json.loads(args.truth.read_text(encoding="utf-8"))
    opt.year = doc.get("year")
    opt.org_line = doc.get("department") if args.org_line else None
    kinds = tuple(k for k in args.kinds.split(",") if k)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        ap.error(f"cannot render {sorted(unknown)}; renderable: {', '.join(KINDS)}")
    if shutil.which("soffice") is None:
        ap.error("soffice (LibreOffice) is not installed")
    wb, placed = build(doc, opt, kinds, args.max_projects)
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
    out.with_suffix(".json").write_text(json.dumps(variant, ensure_ascii=False, indent=1) + "\n",
                                        encoding="utf-8")
    print(f"{pdf} ({len(placed)} tables)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
