"""The review report of a signed-off filing, as an XLSX workbook: tables, findings, sign-off."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from budget_filing import kinds as K
from filings.interchange import filing_to_dict
from filings.models import Filing

from .formatting import in_unit
from .tables import neutralise

# short enough for a sheet name (31 characters with the table's number)
KIND_NAMES = {
    K.SUMMARY: "收支总表",
    K.FUNCTIONAL: "功能分类",
    K.PROJECT: "项目支出",
    K.TRANSFER: "转移支付",
    K.DEPARTMENT_PERFORMANCE: "部门绩效",
    K.PROJECT_PERFORMANCE: "项目绩效",
}


def _append(sheet: Any, values: list[Any]) -> None:
    """Every row of the report goes through here: a text cell is never a live formula.

    Titles, header paths, codes and labels come from the PDF, reasons from reviewers; a title
    ``=HYPERLINK(…)`` must open as text, as it does in the table exports.
    """
    sheet.append([neutralise(v) for v in values])


def _number(value: Any, unit: str) -> Decimal | None:
    return None if value is None else in_unit(Decimal(value), unit)


def _sheet_title(index: int, table: dict[str, Any]) -> str:
    name = (
        table.get("project")
        or (K.ROLE_LABELS.get(table.get("role") or "") if table["kind"] == K.GRID else None)
        or KIND_NAMES.get(table["kind"], table["kind"])
    )
    for bad in "[]:*?/\\":
        name = name.replace(bad, "")
    return f"{index + 1}-{name}"[:31]


def _rows(table: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    unit = table["unit"]
    kind = table["kind"]
    if kind == K.SUMMARY:
        return (
            ["收/支", "项目", "年初", "调整", "增减"],
            [
                [r["side"], r["label"], *(_number(r.get(c), unit) for c in K.COLUMN_SETS)]
                for r in table["rows"]
            ],
        )
    if kind == K.FUNCTIONAL:
        cols = [(c, p) for c in K.COLUMN_SETS for p in K.SPLITS]
        return (
            ["编码", "名称", *(f"{c}.{p}" for c, p in cols)],
            [
                [r.get("code"), r["name"], *(_number((r.get(c) or {}).get(p), unit) for c, p in cols)]
                for r in table["rows"]
            ],
        )
    if kind == K.GRID:
        return _grid_rows(table)
    if kind in K.PROJECT_LIST_KINDS:
        return (
            ["项目", "所属部分", "年初", "调整", "增减", "备注"],
            [
                [
                    r["label"],
                    r.get("section"),
                    *(_number(r.get(c), unit) for c in K.COLUMN_SETS),
                    r.get("note"),
                ]
                for r in table["rows"]
            ],
        )
    return (
        ["一级指标", "二级指标", "年初指标", "年初指标值", "调整指标", "调整指标值", "备注"],
        [
            [
                i.get("level1"),
                i.get("level2"),
                (i.get("initial") or {}).get("name"),
                (i.get("initial") or {}).get("value"),
                (i.get("adjusted") or {}).get("name"),
                (i.get("adjusted") or {}).get("value"),
                i.get("note"),
            ]
            for i in table["indicators"]
        ],
    )


def _grid_rows(table: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """A grid as printed: side, code, label, then every value column (amounts in the table's unit)."""
    unit = table["unit"]
    columns = list(table.get("columns") or [])

    def cell(value: Any) -> Any:
        try:
            return _number(value, unit)
        except (ArithmeticError, ValueError):
            return value  # text as printed (采购方式, 备注)

    return (
        ["收/支", "编码", "项目", *columns],
        [
            [
                K.SIDE_LABELS.get(r.get("side") or "", ""),
                r.get("code"),
                r.get("label"),
                *(cell((r.get("values") or {}).get(c)) for c in columns),
            ]
            for r in table["rows"]
        ],
    )


def review_report(filing: Filing) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "签批"
    sign_off = filing.sign_off
    for row in [
        ["部门", filing.department.name],
        ["年度", filing.year],
        ["阶段", filing.get_stage_display()],
        ["版本", filing.version],
        ["签批人", sign_off.signed_by.get_username()],
        ["签批时间", timezone.localtime(sign_off.signed_at).strftime("%Y-%m-%d %H:%M")],
        ["文件 SHA-256", ", ".join(sign_off.document_sha256)],
        ["签批时未处理的错误", sign_off.open_errors],
        ["越过理由", sign_off.override_reason],
    ]:
        _append(summary, row)
    findings = workbook.create_sheet("异常")
    _append(findings, ["严重程度", "类别", "表", "行", "说明", "处理", "理由", "处理人"])
    for finding in filing.findings.select_related("decided_by").order_by("id"):
        _append(
            findings,
            [
                finding.get_severity_display(),
                finding.anomaly_class,
                finding.table_kind,
                finding.key,
                finding.message,
                finding.get_decision_display(),
                finding.reason,
                finding.decided_by.get_username() if finding.decided_by else "",
            ],
        )
    for index, table in enumerate(filing_to_dict(filing)["tables"]):
        sheet = workbook.create_sheet(_sheet_title(index, table))
        _append(sheet, [table["title"], f"单位：{table['unit']}"])
        header, rows = _rows(table)
        _append(sheet, header)
        for row in rows:
            _append(sheet, row)
    for sheet in workbook.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
