"""Exports that open right (issue 13, item 3): Chinese file names, a BOM, a title row, text as text.

Each tab's export names its file in Chinese the way Chromium reads it (RFC 6266
``filename*=utf-8''…``, an ASCII ``filename`` first); its CSV starts with a BOM and a title
row (title, 部门, 年度, 阶段, 单位); its XLSX has a Chinese sheet name, a frozen header, column
widths and amounts as numbers in the printed unit; ``=100%`` printed in an indicator opens as
the text ``=100%`` — no apostrophe, no formula. The review report is in Chinese throughout.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from budget_filing.kinds import KIND_LABELS
from budget_filing.units import in_unit
from filings.models import Document, Filing, GridCell, GridRow, Indicator, ParsedTable
from review.models import ANOMALY_CLASS_LABELS, Decision
from review.services import comment_add, decide, filing_sign_off, flag_create
from tests import test_parsed_storage as parsed_storage
from tests.conftest import CORPUS

pytestmark = pytest.mark.django_db

NAME = "synth-anshun-hsa-2023-adjustment"
DEPARTMENT = "安顺市医疗保障局"
BOM = b"\xef\xbb\xbf"


@pytest.fixture
def filing(clerk, reviewer, django_capture_on_commit_callbacks) -> Filing:
    """The anshun filing (its truth standing in for a parse), uploaded by the clerk, with a grid."""
    truth = json.loads((CORPUS / "truth" / f"{NAME}.json").read_text())
    with django_capture_on_commit_callbacks(execute=True):
        document = parsed_storage.store(truth)
    Document.objects.filter(pk=document.pk).update(uploaded_by=clerk)
    filing = Filing.objects.get(pk=document.filing_id)
    filing.department.reviewers.add(reviewer)
    grid = ParsedTable.objects.create(
        filing=filing,
        document=document,
        position=99,
        kind="grid",
        role="procurement",
        title="政府采购预算表",
        unit="万元",
        columns=["采购方式", "金额"],
    )
    row = GridRow.objects.create(table=grid, position=0, code="-301", label="办公设备")
    GridCell.objects.create(row=row, column=0, text="=分散采购")
    GridCell.objects.create(row=row, column=1, amount=Decimal("123456.00"))
    return filing


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def file_names(response) -> tuple[str, str]:
    """(the ASCII ``filename``, the decoded ``filename*``) of an attachment's Content-Disposition."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment; ")
    plain = re.search(r'filename="([^"]*)"', header)
    encoded = re.search(r"filename\*=utf-8''([^;\s]+)", header, flags=re.I)
    assert plain and encoded, header
    assert plain.group(1).isascii() and encoded.group(1).isascii()
    return plain.group(1), unquote(encoded.group(1))


def export(client, filing, tab: str, fmt: str, table: ParsedTable | None = None):
    url = f"/filings/{filing.pk}/?tab={tab}&_export={fmt}" + (f"&table={table.pk}" if table else "")
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def csv_rows(response) -> list[list[str]]:
    assert response.content.startswith(BOM)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


# --- a printed table ------------------------------------------------------------------------


def test_a_table_export_is_named_in_chinese_for_chromium(reviewer_client, filing):
    table = filing.tables.get(kind="project_expenditure")
    for fmt in ("csv", "xlsx"):
        plain, name = file_names(export(reviewer_client, filing, "projects", fmt, table))
        assert name == f"{DEPARTMENT}-2023-{table.title}.{fmt}"
        assert plain == f"filing-{filing.pk}-table-{table.pk}.{fmt}"


def test_csv_has_a_bom_a_title_row_and_amounts_in_the_printed_unit(reviewer_client, filing):
    table = filing.tables.get(kind="project_expenditure")
    rows = csv_rows(export(reviewer_client, filing, "projects", "csv", table))
    assert rows[0] == [table.title, f"部门：{DEPARTMENT}", "年度：2023", "阶段：预算调整", "单位：万元"]
    assert rows[1][:2] == ["项目", "所属部分"] and len(rows) == table.project_lines.count() + 2
    line = table.project_lines.exclude(initial=None).order_by("position").first()
    printed = next(r for r in rows[2:] if r[0] == line.label)
    assert Decimal(printed[2]) == in_unit(line.initial, "万元") != line.initial


def test_xlsx_sheet_is_chinese_frozen_sized_and_formatted(reviewer_client, filing):
    table = filing.tables.get(kind="project_expenditure")
    sheet = workbook(export(reviewer_client, filing, "projects", "xlsx", table)).active
    assert sheet.title == table.title[:31] and re.search(r"[\u4e00-\u9fff]", sheet.title)
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[1]][:2] == [table.title, f"部门：{DEPARTMENT}"]
    assert sheet["A1"].font.bold and sheet["A2"].font.bold
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEF"]
    assert all(w and w >= 6 for w in widths) and widths[0] > widths[2]  # 项目 names are long
    line = table.project_lines.exclude(initial=None).order_by("position").first()
    cell = next(r[2] for r in sheet.iter_rows(min_row=3) if r[0].value == line.label)
    assert cell.data_type == "n" and cell.number_format == "#,##0.00"
    assert Decimal(str(cell.value)) == in_unit(line.initial, "万元")


def test_a_grid_exports_its_text_as_text_and_its_amounts_as_numbers(reviewer_client, filing):
    grid = filing.tables.get(kind="grid")
    rows = csv_rows(export(reviewer_client, filing, "grids", "csv", grid))
    # CSV has no types: a text Excel would run gets its apostrophe; a code like -301 needs none
    assert rows[2][:4] == ["-301", "办公设备", "'=分散采购", "12.3456"]
    sheet = workbook(export(reviewer_client, filing, "grids", "xlsx", grid)).active
    code, label, method, amount = sheet[3][:4]
    assert (method.value, method.data_type) == ("=分散采购", "s")
    assert code.value == "-301" and code.data_type == "s"
    assert amount.value == pytest.approx(12.3456) and amount.number_format == "#,##0.00"


# --- the 绩效目标 tab: "=100%" is text ---------------------------------------------------------


def test_an_indicator_printed_as_equals_100_percent_opens_as_that_text(reviewer_client, filing):
    table = filing.tables.filter(kind="project_performance").order_by("position").first()
    indicator = Indicator.objects.filter(target__table=table).order_by("position").first()
    Indicator.objects.filter(pk=indicator.pk).update(adjusted_value="=100%", initial_value="+5%")
    book = workbook(export(reviewer_client, filing, "targets", "xlsx", table))
    sheet = book.active
    assert sheet.freeze_panes == "A3" and re.search(r"[\u4e00-\u9fff]", sheet.title)
    assert [c.value for c in sheet[2]][:6] == [
        "一级指标",
        "二级指标",
        "年初指标",
        "年初指标值",
        "调整后指标",
        "调整后指标值",
    ]
    cells = [c for row in sheet.iter_rows() for c in row]
    hundred = [c for c in cells if c.value == "=100%"]
    assert len(hundred) == 1 and hundred[0].data_type == "s"
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith("'")]
    rows = csv_rows(export(reviewer_client, filing, "targets", "csv", table))
    assert rows[0][0] == table.title and "单位：万元" in rows[0]
    # in a CSV the apostrophe is what keeps Excel from running it; "+5%" is a number there
    assert any("'=100%" in row and "+5%" in row for row in rows[2:])


# --- every tab ------------------------------------------------------------------------------


def test_every_tab_exports_in_both_formats(reviewer_client, filing):
    older = Filing.objects.create(
        department=filing.department, year=filing.year, stage=filing.stage, version=9
    )
    Filing.objects.filter(pk=filing.pk).update(previous=older)
    page = reviewer_client.get(f"/filings/{filing.pk}/").content.decode()
    tabs = re.findall(r'data-tab="([a-z]+)"', page)
    assert {"summary", "functional", "projects", "transfers", "targets", "grids"} <= set(tabs)
    assert {"findings", "compare", "diff", "history"} <= set(tabs)
    by_tab = {
        "summary": "income_expense_summary",
        "functional": "functional_expenditure",
        "projects": "project_expenditure",
        "transfers": "transfer_payment",
        "targets": "department_performance",
        "grids": "grid",
    }
    for tab in tabs:
        table = filing.tables.filter(kind=by_tab[tab]).first() if tab in by_tab else None
        for fmt in ("csv", "xlsx"):
            response = export(reviewer_client, filing, tab, fmt, table)
            plain, name = file_names(response)
            assert name.startswith(f"{DEPARTMENT}-2023-") and name.endswith(f".{fmt}") and plain.isascii()
            if fmt == "csv":
                rows = csv_rows(response)
                assert f"部门：{DEPARTMENT}" in rows[0] and len(rows) >= 2
            else:
                for sheet in workbook(response).worksheets:
                    assert sheet.freeze_panes == "A3" and re.search(r"[\u4e00-\u9fff]", sheet.title)


def test_a_tab_page_offers_its_export(reviewer_client, filing):
    for tab in ("targets", "compare", "findings", "history"):
        page = reviewer_client.get(f"/filings/{filing.pk}/?tab={tab}").content.decode()
        assert "_export=csv" in page and "_export=xlsx" in page, tab


def test_the_findings_export_names_classes_and_tables_in_chinese(reviewer_client, filing):
    assert filing.findings.exists()
    rows = csv_rows(export(reviewer_client, filing, "findings", "csv"))
    header = rows[1]
    classes = {row[header.index("类别")] for row in rows[2:]}
    tables = {row[header.index("表")] for row in rows[2:]}
    assert classes <= {str(label) for label in ANOMALY_CLASS_LABELS.values()}
    assert tables <= set(KIND_LABELS.values()) | {"说明"}, tables
    book = workbook(export(reviewer_client, filing, "findings", "xlsx"))
    assert book.sheetnames == ["异常", "标记", "评论"]


def test_a_whole_tab_exports_every_table_of_it(reviewer_client, filing):
    targets = list(filing.tables.filter(kind__endswith="performance").order_by("document_id", "position"))
    rows = csv_rows(export(reviewer_client, filing, "targets", "csv"))
    assert rows[0] == ["绩效目标", f"部门：{DEPARTMENT}", "年度：2023", "阶段：预算调整", "单位：万元"]
    assert rows[1][:3] == ["表", "一级指标", "二级指标"]
    indicators = Indicator.objects.filter(target__table__in=targets).count()
    assert len(rows) == 2 + indicators and {r[0] for r in rows[2:]} <= {t.title for t in targets}
    book = workbook(export(reviewer_client, filing, "targets", "xlsx"))
    assert len(book.sheetnames) == len(targets) + 1 == len(set(book.sheetnames))
    funds = book["资金与目标"]  # last: a row per table, 资金总额 in its unit
    assert funds.max_row == 2 + len(targets) and funds["D2"].value == "年初资金总额"
    index, first = next((i, t) for i, t in enumerate(targets) if t.target.adjusted_total is not None)
    row = funds[3 + index]  # in the tab's order
    assert row[0].value == first.title and row[1].value == str(first.target)
    assert Decimal(str(row[4].value)) == in_unit(first.target.adjusted_total, "万元").normalize()
    assert row[4].number_format == "#,##0.00"
    plain, name = file_names(export(reviewer_client, filing, "targets", "xlsx"))
    assert name == f"{DEPARTMENT}-2023-绩效目标.xlsx" and plain == f"filing-{filing.pk}-targets.xlsx"
    # grids of different columns: one workbook, but no one CSV
    grid = filing.tables.get(kind="grid")
    ParsedTable.objects.create(
        filing=filing,
        document=grid.document,
        position=100,
        kind="grid",
        role="other",
        title="另表",
        unit="元",
        columns=["x"],
    )
    assert workbook(export(reviewer_client, filing, "grids", "xlsx")).sheetnames == ["政府采购预算表", "另表"]
    response = reviewer_client.get(f"/filings/{filing.pk}/?tab=grids&_export=csv")
    assert response.status_code == 400 and "CSV 只能逐张导出" in response.content.decode()
    page = reviewer_client.get(f"/filings/{filing.pk}/?tab=targets").content.decode()
    assert "导出本页全部表" in page and "?tab=targets&amp;_export=csv" in page


# --- the review report ----------------------------------------------------------------------


def test_the_report_is_in_chinese_with_flags_comments_and_the_override(
    reviewer_client, filing, reviewer, make_reviewer
):
    finding = filing.findings.order_by("pk").first()
    decide(item=finding, decision=Decision.DISMISSED, reason="口径不同", user=reviewer)
    table = filing.tables.get(kind="project_expenditure")
    flag = flag_create(
        filing=filing, table=table, row_position=1, row_label="某项目", note="金额存疑", user=reviewer
    )
    comment_add(filing=filing, thread=flag.thread, body="已电话确认", user=reviewer)
    comment_add(filing=filing, thread=f"finding:{finding.place}", body="请处室复核", user=reviewer)
    errors = filing.findings.filter(severity="error", decision="open").count()
    assert errors, "the override needs open errors"
    filing_sign_off(
        filing=filing, user=make_reviewer("second", filing.department), override_reason="印刷错误已确认"
    )

    response = reviewer_client.get(f"/filings/{filing.pk}/report.xlsx")
    assert response.status_code == 200
    plain, name = file_names(response)
    assert (
        name == f"审核报告-{DEPARTMENT}-2023-预算调整-第1版.xlsx"
        and plain == f"review-report-{filing.pk}.xlsx"
    )
    book = workbook(response)
    assert book.sheetnames[:5] == ["概况", "异常", "标记", "评论", "记录"]
    assert all(re.search(r"[\u4e00-\u9fff]", title) for title in book.sheetnames)
    overview = {row[0].value: row[1].value for row in book["概况"].iter_rows(min_row=3)}
    assert overview["越过理由"] == "印刷错误已确认" and overview["签批时未处理的错误"] == errors
    assert overview["签批人"] == "second" and overview["部门"] == DEPARTMENT
    assert overview["读取范围"].startswith("已读取")

    def values(sheet: str) -> list[list]:
        return [[c.value for c in row] for row in book[sheet].iter_rows(min_row=2)]

    findings = values("异常")
    header = findings[0]
    assert header[:5] == ["严重程度", "类别", "表", "行", "页"]
    dismissed = next(r for r in findings[1:] if r[header.index("理由")] == "口径不同")
    assert dismissed[1] == finding.class_label and dismissed[header.index("处理人")] == "reviewer"
    assert "_" not in dismissed[2]  # a table named in Chinese, not by its kind's code
    # a printed figure is a number (yuan), one printed as text stays text
    figures = [r[header.index("印刷值")] for r in findings[1:] if r[header.index("印刷值")] is not None]
    assert any(isinstance(v, int | float) for v in figures)
    flags = values("标记")
    assert [table.title, "某项目", "金额存疑", "reviewer"] == flags[1][:4]
    comments = values("评论")
    assert any(r[3] == "已电话确认" and "金额存疑" in r[0] for r in comments[1:])
    assert any(r[3] == "请处室复核" and finding.key in r[0] for r in comments[1:])
    record = values("记录")
    assert any("印刷错误已确认" in (r[3] or "") for r in record[1:])
    formulas = [
        c.coordinate for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas == []


def test_before_the_sign_off_the_report_says_unsigned(reviewer_client, filing):
    response = reviewer_client.get(f"/filings/{filing.pk}/report.xlsx")
    assert response.status_code == 200
    overview = workbook(response)["概况"]
    assert "未签批" in overview["A1"].value
    assert {row[0].value: row[1].value for row in overview.iter_rows(min_row=3)}["签批"] == "未签批"
    page = reviewer_client.get(f"/filings/{filing.pk}/?tab=findings").content.decode()
    assert f"/filings/{filing.pk}/report.xlsx" in page


# --- the pieces ---------------------------------------------------------------------------


def test_sheet_names_are_what_excel_accepts():
    from review.exports import sheet_name

    used: set[str] = set()
    long = "安顺市医疗保障局2023年部门预算调整一般公共预算支出批复表（功能分类科目）"
    names = [sheet_name(text, used) for text in (long, long, "a[b]:c*d?e/f\\g", "'", "x" * 40)]
    assert names[0] == long[:31] and names[1] == long[:29] + "-2"
    assert names[2] == "abcdefg" and names[3] == "表" and names[4] == "x" * 31
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_csv_neutralises_only_text_a_spreadsheet_would_run():
    from review.exports import Sheet, csv_bytes

    sheet = Sheet(
        name="t",
        title="=标题",
        header=["a"],
        rows=[["=1+1", "+5%", "-301", "@x", "-A1", Decimal("-5.00"), None, "\t1"]],
    )
    rows = list(csv.reader(io.StringIO(csv_bytes(sheet).decode("utf-8-sig"))))
    assert rows[0] == ["'=标题"]
    assert rows[2] == ["'=1+1", "+5%", "-301", "'@x", "'-A1", "-5.00", "", "'\t1"]
