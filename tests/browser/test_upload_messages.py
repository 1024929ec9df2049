"""A clerk's upload messages follow the live list, and leaving mid-upload is warned (issue 13, item 7).

Before, the message said 正在排队解析 while the row under it already said 失败, and a reload
during the upload cancelled it without a word.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from filings.models import Document
from tests.browser.test_review_flow import log_in
from tests.pdfmaker import build_pdf

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "pdf"
SAMPLE = CORPUS / "zunyi-hrss-2024-adjustment.pdf"

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_upload_messages_follow_the_list(page, app_server, celery_worker, clerk, shot, tmp_path):
    text_only = tmp_path / "只有文字.pdf"
    text_only.write_bytes(build_pdf(["no budget tables here"]))
    log_in(page, app_server, "clerk")
    page.set_input_files("input[type=file]", [str(text_only), str(SAMPLE)])
    page.click("#upload-button")
    page.wait_for_selector(".upload-outcome")
    failed = Document.objects.get(original_filename=text_only.name)
    parsed = Document.objects.get(original_filename=SAMPLE.name)

    def message(document: Document):  # type: ignore[no-untyped-def]
        return page.locator(f'.upload-outcome[data-document="{document.pk}"]')

    page.wait_for_selector(f'#document-{failed.pk}[data-status="failed"]', timeout=60000)
    page.wait_for_selector(f'#document-{parsed.pk}[data-status="parsed"]', timeout=90000)
    failed.refresh_from_db()
    # The same status as the row, in the message, coloured by it.
    assert message(failed).inner_text() == f"{text_only.name}：已上传，失败：{failed.error.rstrip('。')}。"
    assert "alert-danger" in message(failed).locator("xpath=..").get_attribute("class")
    assert message(parsed).inner_text() == f"{SAMPLE.name}：已上传，已解析。"
    assert "alert-success" in message(parsed).locator("xpath=..").get_attribute("class")
    row = page.locator(f"#document-{failed.pk}")
    assert "失败" in row.inner_text() and "正在排队" not in page.inner_text("main")
    shot(page, "messages-follow")


def test_leaving_during_an_upload_is_warned(page, app_server, clerk, tmp_path):
    log_in(page, app_server, "clerk")
    dialogs: list[str] = []

    def answer(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.reload()  # nothing is being sent: no question
    assert dialogs == []
    # The upload's request never gets an answer: the page stays mid-upload.
    page.route("**/upload/", lambda route: None if route.request.method == "POST" else route.continue_())
    pdf = tmp_path / "大文件.pdf"
    pdf.write_bytes(build_pdf(["x"] * 50))
    page.set_input_files("input[type=file]", str(pdf))
    page.click("#upload-button")
    page.wait_for_selector("#upload-button[disabled]")
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 10
    while not dialogs and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert dialogs == ["beforeunload"]
    assert not page.is_closed()  # the clerk chose to stay
