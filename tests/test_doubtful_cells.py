"""The 待核对 workflow: OCR'd values a reviewer confirms or corrects, each beside its image; a
correction goes into the stored row (and the export), is recorded with who and when, and the
rules run again; the dashboard counts what is still to check (issue 14, item 3)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from filings.interchange import filing_to_dict
from filings.models import Document, Filing, GridCell, OcrCell, ParsedTable
from review.models import Finding
from review.selectors import filing_timeline
from review.services import OCR_NOTE, ReviewRefused, ocr_cell_confirm, ocr_cell_correct
from tests.pdfmaker import build_pdf
from tests.test_ocr_storage import MISREAD, PRINTED, scan_parse
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db


@pytest.fixture
def scan(reviewer, settings, tmp_path) -> Filing:
    """The anshun filing read from a scan, its 调整预算数 of row 0 misread; the reviewer's department."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "scan.pdf").write_bytes(build_pdf([None, None, None]))
    document = store(scan_parse())
    Document.objects.filter(pk=document.pk).update(file="scan.pdf")
    filing = Filing.objects.get(pk=document.filing_id)
    filing.department.reviewers.add(reviewer)
    return filing


def misread_cell(filing: Filing) -> OcrCell:
    return OcrCell.objects.get(table__filing=filing, row_position=0, field="adjusted")


def classes(filing: Filing) -> set[str]:
    return set(
        Finding.objects.filter(filing=filing, table__kind="income_expense_summary").values_list(
            "anomaly_class", flat=True
        )
    )


def test_a_correction_goes_into_the_export_is_recorded_and_the_rules_run_again(scan, reviewer):
    assert {"change_mismatch", "sum_mismatch"} <= classes(scan)
    assert filing_to_dict(scan)["tables"][0]["rows"][0]["adjusted"] == MISREAD
    cell = ocr_cell_correct(cell=misread_cell(scan), value="50,165,573.57", user=reviewer)
    assert cell.status == OcrCell.Status.CORRECTED and str(cell.corrected) == PRINTED
    assert filing_to_dict(scan)["tables"][0]["rows"][0]["adjusted"] == PRINTED
    # the table adds up again: the findings the misread caused are gone
    assert not {"change_mismatch", "sum_mismatch"} & classes(scan)
    # and the values they concerned no longer wait; the one read with little confidence still does
    assert list(OcrCell.objects.filter(status="doubtful").values_list("row_position", "field")) == [
        (8, "initial")
    ]
    record = cell.history.order_by("-history_date").first()
    assert record.history_user == reviewer and record.history_date is not None
    assert MISREAD in record.history_change_reason and PRINTED in record.history_change_reason
    events = [e for e in filing_timeline(filing=scan) if "扫描识别" in e["what"]]
    assert len(events) == 1 and events[0]["who"] == reviewer and PRINTED in events[0]["detail"]
    assert events[0]["link"] == f"/filings/{scan.pk}/doubtful/" and "调整预算数" in events[0]["what"]
    assert "第 1 行" in events[0]["what"] or "一般公共预算" in events[0]["what"]


def test_a_confirmed_value_keeps_its_finding_without_the_note(scan, reviewer):
    cell = ocr_cell_confirm(
        cell=OcrCell.objects.get(table__filing=scan, row_position=9, field="adjusted"), user=reviewer
    )
    assert cell.status == OcrCell.Status.CONFIRMED and cell.decided_by == reviewer and cell.decided_at
    # the sum still does not add up: its finding stays, and the misread below it is still unchecked
    sums = Finding.objects.filter(filing=scan, anomaly_class="sum_mismatch")
    assert sums.exists()
    for row, field in [(0, "initial"), (0, "adjusted"), (0, "change")]:
        ocr_cell_confirm(
            cell=OcrCell.objects.get(table__filing=scan, row_position=row, field=field), user=reviewer
        )
    # every value the findings name is checked now: they no longer say 待核对
    on_summary = Finding.objects.filter(filing=scan, table__kind="income_expense_summary")
    assert on_summary.exists() and not any(OCR_NOTE in f.message for f in on_summary)


def test_confirming_after_a_correction_puts_the_value_read_back(scan, reviewer):
    ocr_cell_correct(cell=misread_cell(scan), value=PRINTED, user=reviewer)
    ocr_cell_confirm(cell=misread_cell(scan), user=reviewer)
    assert filing_to_dict(scan)["tables"][0]["rows"][0]["adjusted"] == MISREAD
    assert misread_cell(scan).corrected is None and "change_mismatch" in classes(scan)
    decisions = misread_cell(scan).history.order_by("history_date").values_list("status", "history_user")
    assert list(decisions) == [("corrected", reviewer.pk), ("confirmed", reviewer.pk)]


def test_a_signed_filing_refuses_both(scan, reviewer):
    Filing.objects.filter(pk=scan.pk).update(status=Filing.Status.SIGNED_OFF)
    with pytest.raises(ReviewRefused, match="已签批"):
        ocr_cell_correct(cell=misread_cell(scan), value=PRINTED, user=reviewer)
    with pytest.raises(ReviewRefused, match="已签批"):
        ocr_cell_confirm(cell=misread_cell(scan), user=reviewer)
    assert misread_cell(scan).status == OcrCell.Status.DOUBTFUL
    assert filing_to_dict(scan)["tables"][0]["rows"][0]["adjusted"] == MISREAD


def test_only_a_reviewer_of_the_department_and_only_an_amount(scan, clerk, reviewer):
    with pytest.raises(ReviewRefused, match="审核员"):
        ocr_cell_confirm(cell=misread_cell(scan), user=clerk)
    with pytest.raises(ReviewRefused, match="请填写数字金额"):
        ocr_cell_correct(cell=misread_cell(scan), value="五千万", user=reviewer)
    assert misread_cell(scan).status == OcrCell.Status.DOUBTFUL


def test_a_grid_value_is_corrected_in_its_cell(reviewer, settings, tmp_path):
    parsed = scan_parse(misread=False)
    parsed["tables"].append(
        {
            "kind": "grid",
            "title": "某扫描表",
            "unit": "元",
            "pages": [2],
            "role": "other",
            "columns": ["合计"],
            "rows": [{"label": "甲", "values": {"合计": "1.00"}, "page": 2, "bbox": [1, 1, 2, 2]}],
            "ocr": [
                {
                    "row": 0,
                    "field": "values.合计",
                    "text": "1.00",
                    "confidence": 0.3,
                    "page": 2,
                    "bbox": [10, 10, 50, 20],
                }
            ],  # fmt: skip
        }
    )
    filing = store(parsed).filing
    filing.department.reviewers.add(reviewer)
    cell = OcrCell.objects.get(table__kind="grid")
    assert cell.status == OcrCell.Status.DOUBTFUL
    ocr_cell_correct(cell=cell, value="7", user=reviewer)
    assert GridCell.objects.get(row__table__kind="grid").amount == 7
    grid = next(t for t in filing_to_dict(filing)["tables"] if t["kind"] == "grid")
    assert grid["rows"][0]["values"] == {"合计": "7.00"}


def test_a_correction_is_typed_in_the_tables_unit_and_text_is_only_confirmed(client, reviewer):
    """A 万元 table's value is corrected as the page prints it (167.53), stored as yuan; an
    indicator's value is text: confirmed, never replaced by a number."""
    parsed = scan_parse(misread=False)
    parsed["tables"].append(
        {
            "kind": "grid",
            "title": "某扫描表",
            "unit": "万元",
            "pages": [2],
            "role": "other",
            "columns": ["合计", "指标"],
            "rows": [{"label": "甲", "values": {"合计": "1675200.00"}, "page": 2, "bbox": [1, 1, 2, 2]}],
            "ocr": [
                {
                    "row": 0,
                    "field": "values.合计",
                    "text": "167.52",
                    "confidence": 0.3,
                    "page": 2,
                    "bbox": [10, 10, 50, 20],
                },
                {
                    "row": 0,
                    "field": "initial.value",
                    "text": "≥5次",
                    "confidence": 0.3,
                    "page": 2,
                    "bbox": [60, 10, 90, 20],
                },
            ],  # fmt: skip
        }
    )
    filing = store(parsed).filing
    filing.department.reviewers.add(reviewer)
    amount = OcrCell.objects.get(table__kind="grid", field="values.合计")
    text = OcrCell.objects.get(table__kind="grid", field="initial.value")
    client.force_login(reviewer)
    page = client.get(f"/filings/{filing.pk}/doubtful/").content.decode()
    item = page[page.index(f'id="ocr-{amount.pk}"') :].split("</li>")[0]
    assert "正确金额（万元）" in item
    item = page[page.index(f'id="ocr-{text.pk}"') :].split("</li>")[0]
    assert "ocr-value" not in item and "文字只能确认" in item
    ocr_cell_correct(cell=amount, value="167.53", user=reviewer)
    assert GridCell.objects.get(row__table__kind="grid", column=0).amount == 1675300
    assert "更正为 167.53 万元" in amount.history.order_by("-history_date").first().history_change_reason
    with pytest.raises(ReviewRefused, match="只能确认"):
        ocr_cell_correct(cell=text, value="5", user=reviewer)


# ---- pages ----------------------------------------------------------------------------------


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def test_the_doubtful_page_lists_each_value_beside_its_image(scan, reviewer_client):
    page = reviewer_client.get(f"/filings/{scan.pk}/doubtful/").content.decode()
    cell = misread_cell(scan)
    assert f'id="ocr-{cell.pk}"' in page and f"/filings/{scan.pk}/ocr/{cell.pk}/crop.png" in page
    assert page.count('class="btn btn-sm btn-outline-success ocr-confirm"') == 5
    crop = reviewer_client.get(f"/filings/{scan.pk}/ocr/{cell.pk}/crop.png")
    assert crop.status_code == 200 and crop["Content-Type"] == "image/png"
    assert b"".join(crop.streaming_content).startswith(b"\x89PNG")
    # the filing's head says it is a scan, with the number to check, linked to this page
    head = reviewer_client.get(f"/filings/{scan.pk}/?tab=summary").content.decode()
    assert "5 个数字待核对" in head and f"/filings/{scan.pk}/doubtful/" in head
    assert "页没有文字层" not in head  # page 4 is blank, not unread


def test_the_printed_table_marks_the_values_to_check(scan, reviewer_client):
    page = reviewer_client.get(f"/filings/{scan.pk}/?tab=summary").content.decode()
    assert page.count("ocr-doubtful") >= 5
    assert 'data-cell="0:adjusted"' in page
    marked = page.split('data-cell="0:adjusted"')[0].rsplit("<td", 1)[1]
    assert "ocr-doubtful" in marked


def test_correcting_on_the_page(scan, reviewer_client):
    cell = misread_cell(scan)
    url = f"/filings/{scan.pk}/ocr/{cell.pk}/correct/"
    back = f"/filings/{scan.pk}/doubtful/"
    refused = reviewer_client.post(url, {"value": "abc", "next": back}, follow=True).content.decode()
    assert "请填写数字金额" in refused and misread_cell(scan).status == OcrCell.Status.DOUBTFUL
    response = reviewer_client.post(url, {"value": PRINTED, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert misread_cell(scan).status == OcrCell.Status.CORRECTED
    page = reviewer_client.get(back).content.decode()
    assert "已更正" in page and PRINTED in page
    assert reviewer_client.post(f"/filings/{scan.pk}/ocr/{cell.pk}/other/").status_code == 404


def test_another_filings_value_is_not_found(scan, reviewer_client):
    other = Filing.objects.create(department=scan.department, year=1999, stage="original")
    cell = misread_cell(scan)
    assert reviewer_client.get(f"/filings/{other.pk}/ocr/{cell.pk}/crop.png").status_code == 404
    assert reviewer_client.post(f"/filings/{other.pk}/ocr/{cell.pk}/confirm/").status_code == 404
    assert misread_cell(scan).status == OcrCell.Status.DOUBTFUL


def test_the_dashboard_shows_a_scan_with_what_is_left_to_check(scan, reviewer_client, reviewer):
    def dashboard() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as ctx:
            body = reviewer_client.get("/filings/").content.decode()
        return body, len(ctx.captured_queries)

    body, before = dashboard()
    assert "扫描件" in body and "5 待核对" in body
    # more filings, scanned ones among them: the same number of queries
    table = ParsedTable.objects.filter(filing=scan).first()
    for year in range(2000, 2010):
        filing = Filing.objects.create(department=scan.department, year=year, stage="original")
        copy = ParsedTable.objects.create(
            filing=filing, document=table.document, position=0, kind="grid", title="t", unit="元"
        )
        OcrCell.objects.create(table=copy, field="values.a", text="1", confidence=0.1, status="doubtful")
    body, after = dashboard()
    assert after == before and body.count("1 待核对") == 10
    ocr_cell_correct(cell=misread_cell(scan), value=PRINTED, user=reviewer)
    assert "1 待核对" in dashboard()[0]  # anshun: only the value read with little confidence is left


def test_the_targets_tab_marks_scanned_funds_and_indicator_values(
    reviewer_client, reviewer, settings, tmp_path
):
    parsed = scan_parse(misread=False)
    index, target = next((i, t) for i, t in enumerate(parsed["tables"]) if t["kind"] == "project_performance")
    target["ocr"] = [
        {
            "row": None,
            "field": "funds.adjusted.total",
            "text": "1",
            "confidence": 0.5,
            "page": 1,
            "bbox": None,
        },
        {"row": 0, "field": "adjusted.value", "text": "≥5次", "confidence": 0.5, "page": 1, "bbox": None},
        {"row": 1, "field": "adjusted.value", "text": "≥3次", "confidence": 0.99, "page": 1, "bbox": None},
    ]
    filing = store(parsed).filing
    filing.department.reviewers.add(reviewer)
    page = reviewer_client.get(f"/filings/{filing.pk}/?tab=targets").content.decode()
    table = ParsedTable.objects.get(filing=filing, position=index)
    card = page[page.index(f'id="table-{table.pk}"') :]
    card = card[: card.index("</article>")]
    assert card.count("ocr-doubtful") == 2
    row0 = card[card.index(f'id="t{table.pk}-r0"') :]
    assert "ocr-doubtful" in row0[: row0.index("</tr>")]


def test_the_doubtful_page_uses_the_same_number_of_queries_however_many_values(scan, reviewer_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert reviewer_client.get(f"/filings/{scan.pk}/doubtful/").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    ocr_cell_confirm(cell=misread_cell(scan), user=scan.department.reviewers.get())
    OcrCell.objects.filter(table__filing=scan, status="trusted").update(status=OcrCell.Status.DOUBTFUL)
    assert OcrCell.objects.filter(table__filing=scan, status="doubtful").count() > 20
    assert queries() == before
