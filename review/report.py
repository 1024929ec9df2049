"""The review report of a filing, as an XLSX workbook in Chinese.

Sheets: 概况 (the filing, what was read, the sign-off and an override's reason), 异常 (each
finding, its decision and who made it when), 标记, 评论, 记录 (the filing's record as its 记录
tab shows it), then each table as printed. Before a sign-off the report says 未签批.
Every sheet is written by review.exports: text cells are text, amounts in the printed unit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from budget_filing import kinds as K
from filings.interchange import filing_to_dict
from filings.models import Filing

from . import exports, selectors
from .exports import Sheet, class_label, kind_label, when
from .formatting import figure_value, in_unit
from .models import Finding, SignOff
from .services import open_errors

# short enough for a sheet name (31 characters with the table's number)
KIND_NAMES = {
    K.SUMMARY: "收支总表",
    K.FUNCTIONAL: "功能分类",
    K.PROJECT: "项目支出",
    K.TRANSFER: "转移支付",
    K.DEPARTMENT_PERFORMANCE: "部门绩效",
    K.PROJECT_PERFORMANCE: "项目绩效",
}
UNSIGNED = "未签批"


def report_name(filing: Filing) -> str:
    """``审核报告-<部门>-<年度>`` (and the stage and version, which tell two reports of a year apart)."""
    return exports.file_name(
        "审核报告", filing.department.name, filing.year, filing.get_stage_display(), f"第{filing.version}版"
    )


def coverage_text(coverage: selectors.Coverage) -> str:
    """The page head's coverage line as one sentence."""
    parts = [f"已读取 {coverage.tables} 张表"]
    if coverage.unread:
        parts.append("未读取：" + "、".join(f"第 {r['page']} 页（{r['what']}）" for r in coverage.unread))
    for blank in coverage.blank_pages:
        parts.append(f"第 {'、'.join(str(p) for p in blank['pages'])} 页没有文字层，未读取")
    if coverage.unknown:
        parts.append("读取范围未知：" + "、".join(coverage.unknown))
    elif coverage.complete:
        parts.append("未发现未读取的表格或数字")
    return " · ".join(parts)


def _number(value: Any, unit: str) -> Decimal | None:
    return None if value is None else in_unit(Decimal(value), unit)


def _table_sheet_name(index: int, table: dict[str, Any]) -> str:
    name = (
        table.get("project")
        or (K.ROLE_LABELS.get(table.get("role") or "") if table["kind"] == K.GRID else None)
        or KIND_NAMES.get(table["kind"], kind_label(table["kind"]))
    )
    return f"{index + 1}-{name}"


def _rows(table: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    unit = table["unit"]
    kind = table["kind"]
    sets = K.COLUMN_SET_LABELS
    if kind == K.SUMMARY:
        return (
            ["收/支", "项目", *(sets[c] for c in K.COLUMN_SETS)],
            [
                [
                    K.SIDE_LABELS.get(r.get("side") or "", r.get("side")),
                    r["label"],
                    *(_number(r.get(c), unit) for c in K.COLUMN_SETS),
                ]
                for r in table["rows"]
            ],
        )
    if kind == K.FUNCTIONAL:
        cols = [(c, p) for c in K.COLUMN_SETS for p in K.SPLITS]
        return (
            ["科目编码", "科目名称", *(f"{sets[c]}·{K.SPLIT_LABELS[p]}" for c, p in cols)],
            [
                [r.get("code"), r["name"], *(_number((r.get(c) or {}).get(p), unit) for c, p in cols)]
                for r in table["rows"]
            ],
        )
    if kind == K.GRID:
        return _grid_rows(table)
    if kind in K.PROJECT_LIST_KINDS:
        return (
            ["项目", "所属部分", *(sets[c] for c in K.COLUMN_SETS), "备注"],
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
        ["一级指标", "二级指标", "年初指标", "年初指标值", "调整后指标", "调整后指标值", "备注"],
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


def _figures(finding: Finding) -> list[Any]:
    """Printed and expected in the table's unit (numbers where they are amounts), and that unit."""
    part = finding.part_list[0]
    unit = part.get("unit") or ""
    return [figure_value(finding.printed, unit), figure_value(finding.expected, unit), unit]


def _who(user: Any) -> str:
    return user.get_username() if user is not None else ""


def _overview(filing: Filing, sign_off: SignOff | None, coverage: str) -> Sheet:
    rows: list[list[Any]] = [
        ["部门", filing.department.name],
        ["年度", filing.year],
        ["阶段", filing.get_stage_display()],
        ["版本", f"第 {filing.version} 版"],
        ["状态", filing.get_status_display()],
        ["审核人", _who(filing.reviewer)],
        ["读取范围", coverage],
    ]
    if sign_off is None:
        rows += [["签批", UNSIGNED], ["当前未处理的错误", open_errors(filing)]]
    else:
        rows += [
            ["签批人", _who(sign_off.signed_by)],
            ["签批时间", when(sign_off.signed_at)],
            ["签批时未处理的错误", sign_off.open_errors],
            ["越过理由", sign_off.override_reason or "（无）"],
            ["签批涵盖的文件 SHA-256", "、".join(sign_off.document_sha256)],
        ]
    title = f"审核报告 · {filing.department.name} · {filing.year} 年 · {filing.get_stage_display()}"
    if sign_off is None:
        title += f"（{UNSIGNED}）"
    return Sheet(name="概况", title=title, header=["项目", "内容"], rows=rows)


def _findings_sheet(filing: Filing, findings: list[Finding]) -> Sheet:
    header = [
        "严重程度",
        "类别",
        "表",
        "行",
        "页",
        "说明",
        "印刷值",
        "应为",
        "单位",
        "处理",
        "理由",
        "处理人",
        "处理时间",
    ]
    rows = [
        [
            f.get_severity_display(),
            class_label(f.anomaly_class),
            kind_label(f.table_kind),
            f.key,
            f.page,
            f.message,
            *_figures(f),
            f.get_decision_display(),
            f.reason,
            _who(f.decided_by),
            when(f.decided_at),
        ]
        for f in findings
    ]
    return Sheet(name="异常", title="异常", facts=exports.filing_facts(filing), header=header, rows=rows)


def _flags_sheet(filing: Filing) -> Sheet:
    header = ["表", "行", "说明", "标记人", "标记时间", "处理", "理由", "处理人", "处理时间"]
    rows = [
        [
            flag.table.title if flag.table is not None else flag.table_title,
            flag.row_label,
            flag.note,
            _who(flag.created_by),
            when(flag.created_at),
            flag.get_decision_display(),
            flag.reason,
            _who(flag.decided_by),
            when(flag.decided_at),
        ]
        for flag in filing.flags.select_related("table", "created_by", "decided_by").order_by(
            "created_at", "pk"
        )
    ]
    return Sheet(name="标记", title="标记", facts=exports.filing_facts(filing), header=header, rows=rows)


def _comments_sheet(filing: Filing, findings: list[Finding]) -> Sheet:
    by_place = {f.place: f"异常 {f.key}：{f.message}" for f in findings}
    flags = {str(pk): note for pk, note in filing.flags.values_list("pk", "note")}
    rows = []
    for comment in filing.comments.select_related("author"):
        kind, _, key = comment.thread.partition(":")
        if kind == "finding":
            concerns = by_place.get(key, "异常（已不存在）")
        elif kind == "flag":
            concerns = f"标记“{flags[key][:60]}”" if key in flags else "标记（已不存在）"
        else:
            concerns = "预算文件"
        rows.append([concerns, _who(comment.author), when(comment.created_at), comment.body])
    return Sheet(
        name="评论",
        title="评论",
        facts=exports.filing_facts(filing),
        header=["对象", "作者", "时间", "内容"],
        rows=rows,
    )


def _record_sheet(filing: Filing, findings: list[Finding]) -> Sheet:
    events = selectors.filing_timeline(filing=filing, findings=findings)
    rows = [[when(e["at"]), _who(e["who"]) or "系统", e["what"], e["detail"]] for e in events]
    return Sheet(
        name="记录",
        title="记录",
        facts=exports.filing_facts(filing),
        header=["时间", "人员", "对象", "内容"],
        rows=rows,
    )


def _findings(filing: Filing) -> list[Finding]:
    return list(filing.findings.select_related("decided_by").order_by("id"))


def findings_sheets(filing: Filing) -> list[Sheet]:
    """The 异常 tab's export: the findings, the flags and the comments on both."""
    findings = _findings(filing)
    return [_findings_sheet(filing, findings), _flags_sheet(filing), _comments_sheet(filing, findings)]


def record_sheet(filing: Filing) -> Sheet:
    """The 记录 tab's export."""
    return _record_sheet(filing, _findings(filing))


def review_report(filing: Filing) -> bytes:
    sign_off = SignOff.objects.filter(filing=filing).select_related("signed_by").first()
    findings = _findings(filing)
    tables = selectors.filing_table_list(filing)
    coverage = coverage_text(selectors.filing_coverage(filing=filing, tables=len(tables)))
    sheets = [
        _overview(filing, sign_off, coverage),
        _findings_sheet(filing, findings),
        _flags_sheet(filing),
        _comments_sheet(filing, findings),
        _record_sheet(filing, findings),
    ]
    for index, table in enumerate(filing_to_dict(filing)["tables"]):
        header, rows = _rows(table)
        sheets.append(
            Sheet(
                name=_table_sheet_name(index, table),
                title=table["title"],
                facts=exports.filing_facts(filing, table["unit"]),
                header=header,
                rows=rows,
            )
        )
    return exports.xlsx_bytes(sheets)
