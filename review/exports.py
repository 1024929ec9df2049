"""Exports that open right in Excel on Chinese Windows: CSV and XLSX of a tab, and their response.

A sheet is a title row (the table's title, 部门, 年度, 单位), a header row and the rows. CSV is
UTF-8 with a BOM (without one Excel reads it in the ANSI code page, GBK, and shows garbage).
XLSX writes every text as a string cell, so ``=100%`` printed in a target indicator is the text
``=100%``, never a formula and never ``'=100%``; amounts are numbers in the printed unit with
that unit's number format, the header row frozen and the columns as wide as their content.

The file name is Chinese, sent as RFC 6266 ``filename*=utf-8''…`` with an ASCII ``filename``
before it for older clients (a bare non-ASCII ``filename`` is RFC 2047-encoded by Django, which
Chromium ignores: the file arrived as ``download.csv``).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from budget_filing.kinds import KIND_LABELS, ROLE_LABELS

from .formatting import in_unit
from .models import ANOMALY_CLASS_LABELS

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A text a spreadsheet would run as a formula (OWASP's list: tab and CR too).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# "-301", "+5", "-3.5%": a spreadsheet reads these as numbers, not formulas; no apostrophe.
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?")
AMOUNT_FORMAT = "#,##0.00"
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
FILE_NAME_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
NARRATIVE_KIND = "narrative"
MIN_WIDTH, MAX_WIDTH = 6, 60


def kind_label(kind: str) -> str:
    """A finding's or a table's kind in Chinese: a typed kind, ``grid:<role>``, or the 说明."""
    if kind == NARRATIVE_KIND:
        return "说明"
    if kind.startswith("grid:"):
        return ROLE_LABELS.get(kind[5:], KIND_LABELS["grid"])
    return KIND_LABELS.get(kind, kind)


def class_label(anomaly_class: str) -> str:
    return str(ANOMALY_CLASS_LABELS.get(anomaly_class, anomaly_class))


def when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@dataclass
class Sheet:
    """One table to write: the title row (title and facts), the header and the rows."""

    name: str  # the sheet's name in a workbook, the file's name's last part
    title: str
    header: list[str]
    rows: Iterable[Sequence[Any]]
    facts: list[str] = field(default_factory=list)  # 部门：…, 年度：…, 单位：…
    amount_format: str = AMOUNT_FORMAT
    unit: str = ""  # a printed table's unit (named in ``facts`` too)


def filing_facts(filing: Any, unit: str = "") -> list[str]:
    facts = [f"部门：{filing.department.name}", f"年度：{filing.year}", f"阶段：{filing.get_stage_display()}"]
    return facts + [f"单位：{unit}"] if unit else facts


def sheet_name(text: str, used: set[str]) -> str:
    """A name Excel accepts (≤31 characters, none of []:*?/\\), unique in the workbook."""
    base = SHEET_NAME_BAD.sub("", text).strip("' ") or "表"
    name, n = base[:31], 1
    while name in used:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}-{n}"
    used.add(name)
    return name


def file_name(*parts: Any) -> str:
    return "-".join(FILE_NAME_BAD.sub("", str(p)).strip() for p in parts if str(p).strip())[:150]


# --------------------------------------------------------------------------------- cells


def _csv_cell(value: Any) -> Any:
    """CSV has no cell types: a text Excel would run as a formula gets the apostrophe it needs."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(value):
            return "'" + value
        return value
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is not None and not isinstance(value, str | int | float | Decimal):
        return str(value)  # a lazy translation, an object shown by its text
    return value


def _xlsx_cell(sheet: Any, row: int, column: int, value: Any, amount_format: str) -> Any:
    value = _plain(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters openpyxl refuses
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl makes a text starting with "=" a formula: it is text
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True  # and stays text when edited; Excel does not show the mark
    elif isinstance(value, Decimal | float):
        cell.number_format = amount_format
    return cell


def _width(value: Any) -> int:
    if isinstance(value, Decimal):
        text = f"{value:,.2f}"
    else:
        text = "" if value is None else str(value)
    line = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


# --------------------------------------------------------------------------------- writers


def csv_bytes(sheet: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_cell(v) for v in [sheet.title, *sheet.facts]])
    writer.writerow([_csv_cell(v) for v in sheet.header])
    for row in sheet.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def add_sheet(workbook: Workbook, sheet: Sheet, used: set[str]) -> Any:
    """Write ``sheet`` into ``workbook``: title row, frozen header row, widths, number formats."""
    target = workbook.create_sheet(sheet_name(sheet.name, used))
    bold = Font(bold=True)
    for column, value in enumerate([sheet.title, *sheet.facts], start=1):
        _xlsx_cell(target, 1, column, value, sheet.amount_format).font = bold
    widths = [_width(v) for v in sheet.header]
    for column, value in enumerate(sheet.header, start=1):
        _xlsx_cell(target, 2, column, value, sheet.amount_format).font = bold
    for number, row in enumerate(sheet.rows, start=3):
        for column, value in enumerate(row, start=1):
            _xlsx_cell(target, number, column, value, sheet.amount_format)
            if column > len(widths):
                widths.append(0)
            widths[column - 1] = max(widths[column - 1], _width(value))
    for column, width in enumerate(widths, start=1):
        target.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    target.freeze_panes = "A3"  # the title and the header stay in view
    return target


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)  # every sheet is added, named, by add_sheet
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    workbook = new_workbook()
    used: set[str] = set()
    for sheet in sheets:
        add_sheet(workbook, sheet, used)
    return workbook_bytes(workbook)


def attachment(content: bytes, *, export_format: str, name: str, fallback: str) -> HttpResponse:
    """The file as a download named ``name.<format>`` (Chinese), ``fallback`` for ASCII-only clients."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[export_format])
    ascii_part = content_disposition_header(True, f"{fallback}.{export_format}")
    utf8_part = content_disposition_header(True, f"{name}.{export_format}")
    # Both from Django: `attachment; filename="…"` and `attachment; filename*=utf-8''…`.
    if ascii_part != utf8_part:
        ascii_part += "; " + utf8_part.split("; ", 1)[1]
    response["Content-Disposition"] = ascii_part
    return response


def sheet_response(sheet: Sheet, *, export_format: str, name: str, fallback: str) -> HttpResponse:
    content = csv_bytes(sheet) if export_format == "csv" else xlsx_bytes([sheet])
    return attachment(content, export_format=export_format, name=name, fallback=fallback)


# --------------------------------------------------------------------------------- what a tab exports


def printed_table_sheet(filing: Any, table: Any, built: Any) -> Sheet:
    """A printed table as the page shows it (its columns and sort), amounts in its printed unit."""
    values = iter(built.as_values())
    header = [str(h) for h in next(values)]
    return Sheet(
        name=table.title or kind_label(table.kind),
        title=table.title,
        facts=filing_facts(filing, table.unit),
        header=header,
        rows=list(values),
        unit=table.unit,
    )


def target_sheet(filing: Any, table: Any, *, adjusted: bool) -> Sheet:
    """A 绩效目标表's indicators as printed (values are text; funds and goals: ``funds_sheet``)."""
    target = table.target
    prefix = ("initial", "adjusted") if adjusted else ("initial",)
    side = {"initial": "年初", "adjusted": "调整后"}
    header = ["一级指标", "二级指标"]
    for p in prefix:
        header += [f"{side[p]}指标", f"{side[p]}指标值"]
    header.append("备注")
    rows: list[list[Any]] = []
    for ind in target.indicators.all():
        row: list[Any] = [ind.level1, ind.level2]
        for p in prefix:
            row += [getattr(ind, f"{p}_name"), getattr(ind, f"{p}_value")]
        rows.append([*row, ind.note])
    title = table.title or str(target)
    name = target.project or ("部门整体" if target.is_department else kind_label(table.kind))
    return Sheet(
        name=name,
        title=title,
        facts=filing_facts(filing, table.unit),
        header=header,
        rows=rows,
        unit=table.unit,
    )


def funds_sheet(filing: Any, tables: list[Any], *, adjusted: bool) -> Sheet:
    """The 绩效目标表s' funds (资金总额, in each table's printed unit) and goals, a row per table."""
    units = {t.unit for t in tables}
    header = ["表", "项目", "实施单位", "年初资金总额"]
    header += ["调整后资金总额", "增减"] if adjusted else []
    header += ["年初绩效目标"] + (["调整后绩效目标"] if adjusted else [])
    rows = []
    for table in tables:
        target = table.target
        before, after = in_unit(target.initial_total, table.unit), in_unit(target.adjusted_total, table.unit)
        row: list[Any] = [table.title, str(target), target.implementer, before]
        if adjusted:
            row += [after, after - before if after is not None and before is not None else None]
        row += [target.goals_initial] + ([target.goals_adjusted] if adjusted else [])
        rows.append(row + ([table.unit] if len(units) > 1 else []))
    unit = next(iter(units)) if len(units) == 1 else ""
    if not unit:
        header.append("单位")
    return Sheet(
        name="资金与目标", title="资金与目标", facts=filing_facts(filing, unit), header=header, rows=rows
    )


def combined_sheet(filing: Any, label: str, sheets: list[Sheet]) -> Sheet | None:
    """A tab's tables as one, each row led by its table's title; None when their columns differ.

    The unit goes in the title row when every table prints the same one, else in a column.
    """
    if not sheets or any(s.header != sheets[0].header for s in sheets):
        return None
    units = {s.unit for s in sheets}
    if len(units) == 1:
        header = ["表", *sheets[0].header]
        rows = [[s.title, *row] for s in sheets for row in s.rows]
    else:
        header = ["表", "单位", *sheets[0].header]
        rows = [[s.title, s.unit, *row] for s in sheets for row in s.rows]
    unit = units.pop() if len(units) == 1 else ""
    return Sheet(
        name=label, title=label, facts=filing_facts(filing, unit), header=header, rows=rows, unit=unit
    )


def compare_sheet(filing: Any, context: dict[str, Any]) -> Sheet:
    """The 对比 tab: each comparison's bars, one row each, amounts in yuan as the tab shows them."""
    rows: list[list[Any]] = []
    sections = [
        ("按功能分类（类）", context.get("classes") or []),
        ("按项目", context.get("projects") or []),
    ]
    previous = context.get("previous_year")
    if previous is not None:
        sections.append((f"与 {previous.year} 年对比（按功能分类）", context.get("year_over_year") or []))
    for section, bars in sections:
        rows += [[section, bar.label, bar.before, bar.after, bar.change] for bar in bars]
    header = ["对比", "项目", "年初 / 上年", "调整后 / 本年", "增减"]
    return Sheet(name="对比", title="对比", facts=filing_facts(filing, "元"), header=header, rows=rows)


def diff_sheet(filing: Any, previous: Any, diff: list[Any]) -> Sheet:
    """The 版本差异 tab: one row per added or removed row, and per changed field of a row."""

    def amounts(entry: Any) -> str:
        return "；".join(f"{label} {value}" for label, value in getattr(entry, "amounts", None) or [])

    rows: list[list[Any]] = []
    for table in diff:
        name, unit = table.name, getattr(table, "unit", "")
        rows += [[name, unit, "新增", getattr(e, "key", e), "", "", amounts(e)] for e in table.added]
        rows += [[name, unit, "删除", getattr(e, "key", e), "", amounts(e), ""] for e in table.removed]
        for key, fields in table.changed:
            rows += [[name, unit, "修改", key, label, before, after] for label, before, after in fields]
    title = f"与第 {previous.version} 版相比" if previous is not None else "版本差异"
    return Sheet(
        name="版本差异",
        title=title,
        facts=filing_facts(filing),
        header=["表", "单位", "变化", "行", "字段", "原值", "新值"],
        rows=rows,
    )
