"""The review report's cells are text, never formulas, whatever a PDF or a reviewer wrote.

A title printed as ``=IF(1,HYPERLINK("http://x"),"y")`` would open in a spreadsheet as a
live link; the report writes it, every header and every other text cell as a string cell
(review.exports), so it opens as that text: no formula, and no apostrophe in front of it.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from filings.models import Filing, GridCell, GridRow, ParsedTable
from review.models import Finding
from review.report import review_report
from review.services import filing_sign_off
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db

FORMULA = '=IF(1,HYPERLINK("http://x"),"y")'


def test_no_cell_of_the_report_is_a_formula(corpus_parse, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = store(corpus_parse("synth-anshun-hsa-2023-adjustment"))
    filing = Filing.objects.get(pk=document.filing_id)
    filing.department.reviewers.add(reviewer)
    first = filing.tables.order_by("document_id", "position").first()
    ParsedTable.objects.filter(pk=first.pk).update(title=FORMULA)
    # a grid whose header path, code, label and text cell a hostile PDF printed
    grid = ParsedTable.objects.create(
        filing=filing,
        document=document,
        position=99,
        kind="grid",
        role="other",
        title="+SUM(1)",
        unit="元",
        columns=["=1+1/合计", "@备注"],
    )
    row = GridRow.objects.create(table=grid, position=0, code="-301", label="=A1")
    GridCell.objects.create(row=row, column=1, text='=HYPERLINK("http://x")')
    Finding.objects.filter(filing=filing).update(decision="resolved", reason="=1+2")
    filing_sign_off(filing=filing, user=reviewer, override_reason="")

    workbook = load_workbook(io.BytesIO(review_report(filing)))

    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for line in sheet.iter_rows()
        for cell in line
        if cell.data_type == "f"
    ]
    assert formulas == []
    # 概况, 异常, 标记, 评论, 记录, then the tables
    title = workbook.worksheets[5]["A1"]
    assert title.data_type == "s" and title.value == FORMULA
    grid_sheet = workbook.worksheets[-1]
    assert [c.value for c in grid_sheet[1]][:1] == ["+SUM(1)"]
    assert [c.value for c in grid_sheet[2]][3:] == ["=1+1/合计", "@备注"]
    assert [c.value for c in grid_sheet[3]][1:3] == ["-301", "=A1"]
    assert [c.value for c in grid_sheet[3]][4] == '=HYPERLINK("http://x")'
    at = [c.value for c in workbook["异常"][2]].index("理由")
    reasons = [row[at].value for row in workbook["异常"].iter_rows(min_row=3)]
    assert reasons and set(reasons) == {"=1+2"}
