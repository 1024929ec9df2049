"""A clerk logs in, uploads the sample filings in Chromium and watches them reach 已解析 live."""

from __future__ import annotations

from pathlib import Path

import pytest

from filings.models import Document

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "pdf"
SAMPLES = [CORPUS / "zunyi-hrss-2024-adjustment.pdf", CORPUS / "qiannan-hrss-2025-original.pdf"]

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_clerk_uploads_in_the_browser_and_sees_parsed_live(page, app_server, celery_worker, clerk, shot):
    page.goto(app_server + "/upload/")
    assert "/accounts/login/" in page.url
    shot(page, "login")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "pw-clerk")
    page.click("button[type=submit]")
    page.wait_for_url("**/upload/")
    page.set_input_files("input[type=file]", [str(p) for p in SAMPLES] + [__file__])
    page.click("#upload-button")
    page.wait_for_selector(".alert-danger")
    shot(page, "uploaded")
    alerts = page.inner_text("main")
    assert "zunyi-hrss-2024-adjustment.pdf：已上传" in alerts
    assert "test_upload_flow.py：文件内容不是 PDF" in alerts
    # No reload: htmx polls the list until both rows say 已解析.
    for sample in SAMPLES:
        doc = Document.objects.get(original_filename=sample.name)
        page.wait_for_selector(f'#document-{doc.pk}[data-status="parsed"]', timeout=60000)
    shot(page, "parsed")
    assert page.locator('tr[data-status="parsed"]').count() == 2
    assert Document.objects.get(original_filename=SAMPLES[0].name).page_count == 54
