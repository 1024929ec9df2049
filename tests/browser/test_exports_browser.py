"""In Chromium, as the reviewer found it (issue 13, item 3): an export saves under its Chinese name.

A non-ASCII ``filename="…"`` went out RFC 2047-encoded and Chromium saved ``download.csv``;
the RFC 6266 ``filename*`` is what it reads. The 记录 tab and the page head are shot too.
"""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from filings.models import Document, Filing
from review.services import comment_add, decide, filing_sign_off, flag_create
from tests import test_parsed_storage as parsed_storage
from tests.browser.test_review_flow import log_in
from tests.conftest import CORPUS

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "synth-anshun-hsa-2023-adjustment"
DEPARTMENT = "安顺市医疗保障局"


def download(page, selector: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click(selector)
    saved = info.value
    return saved.suggested_filename, open(saved.path(), "rb").read()


def test_exports_save_under_their_chinese_names(page, app_server, clerk, reviewer, make_reviewer, shot):
    truth = json.loads((CORPUS / "truth" / f"{NAME}.json").read_text())
    document = parsed_storage.store(truth)
    Document.objects.filter(pk=document.pk).update(uploaded_by=clerk)
    filing = Filing.objects.get(pk=document.filing_id)
    filing.department.reviewers.add(reviewer)
    table = filing.tables.get(kind="project_expenditure")
    log_in(page, app_server, "reviewer")

    page.goto(f"{app_server}/filings/{filing.pk}/?tab=projects")
    name, content = download(page, f'#table-{table.pk} a[href$="_export=csv"]')
    assert name == f"{DEPARTMENT}-2023-{table.title}.csv"
    assert content.startswith(b"\xef\xbb\xbf" + table.title.encode())
    name, content = download(page, f'#table-{table.pk} a[href$="_export=xlsx"]')
    assert name == f"{DEPARTMENT}-2023-{table.title}.xlsx"
    assert load_workbook(io.BytesIO(content)).active.freeze_panes == "A3"

    target = filing.tables.filter(kind="project_performance").order_by("position").first()
    page.goto(f"{app_server}/filings/{filing.pk}/?tab=targets")
    name, _ = download(page, f'#table-{target.pk} a[href$="_export=xlsx"]')
    assert name.startswith(f"{DEPARTMENT}-2023-") and name.endswith(".xlsx")

    finding = filing.findings.order_by("pk").first()
    decide(item=finding, decision="dismissed", reason="口径不同", user=reviewer)
    flag = flag_create(
        filing=filing, table=table, row_position=1, row_label="某项目", note="金额存疑", user=reviewer
    )
    comment_add(filing=filing, thread=flag.thread, body="已电话确认", user=reviewer)
    filing_sign_off(
        filing=filing, user=make_reviewer("second", filing.department), override_reason="印刷错误已确认"
    )

    page.goto(f"{app_server}/filings/{filing.pk}/?tab=history")
    assert "印刷错误已确认" in page.inner_text("#override-reason-shown")
    shot(page, "history-and-override")
    name, content = download(page, 'a.btn[href$="report.xlsx"]')
    assert name == f"审核报告-{DEPARTMENT}-2023-预算调整-第1版.xlsx"
    assert load_workbook(io.BytesIO(content)).sheetnames[:5] == ["概况", "异常", "标记", "评论", "记录"]
    page.click(f'a.history-link[href$="#flag-{flag.pk}"] >> nth=0')
    page.wait_for_url(f"**/filings/{filing.pk}/?tab=findings&status=all#flag-{flag.pk}")
    assert page.locator(f"#flag-{flag.pk}").is_visible()
