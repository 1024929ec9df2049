"""待核对 as Chromium draws it (issue 14, item 3): a value read from a scan is marked on its table,
listed beside the image of its page, and corrected there."""

from __future__ import annotations

import pytest
from django.conf import settings

from filings.models import Document, OcrCell
from tests.browser.test_review_flow import log_in
from tests.pdfmaker import build_pdf
from tests.test_ocr_storage import PRINTED, scan_parse
from tests.test_parsed_storage import store

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_misread_value_is_marked_shown_beside_its_image_and_corrected(page, app_server, reviewer, shot):
    from pathlib import Path

    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    (media / "scan-browser.pdf").write_bytes(build_pdf(["scan page one", "two", "three"]))
    document = store(scan_parse(), "w")
    Document.objects.filter(pk=document.pk).update(file="scan-browser.pdf")
    filing = document.filing
    filing.department.reviewers.add(reviewer)
    misread = OcrCell.objects.get(table__filing=filing, row_position=0, field="adjusted")
    log_in(page, app_server, "reviewer")

    page.goto(f"{app_server}/filings/{filing.pk}/?tab=summary")
    marked = page.locator("td.ocr-doubtful")
    assert marked.count() == 5
    badge = marked.first.evaluate("e => getComputedStyle(e, '::after').content")
    assert badge == '"待核对"'
    assert "由扫描件识别，待核对" in page.locator('td[data-cell="0:adjusted"]').get_attribute("title")
    shot(page, "summary-marked")

    page.click("#doubtful-link")
    page.wait_for_url(f"**/filings/{filing.pk}/doubtful/")
    assert page.locator(".ocr-cell").count() == 5
    crop = page.locator(f"#ocr-{misread.pk} img.ocr-crop")
    crop.scroll_into_view_if_needed()
    response = page.request.get(app_server + crop.get_attribute("src"))
    assert response.status == 200 and response.headers["content-type"] == "image/png", response.status
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=crop.element_handle())
    shot(page, "doubtful")

    page.fill(f"#ocr-{misread.pk} input[name=value]", "5千万")
    page.click(f"#ocr-{misread.pk} button.ocr-correct")
    assert "请填写数字金额" in page.locator(".alert").first.inner_text()
    page.fill(f"#ocr-{misread.pk} input[name=value]", PRINTED)
    page.click(f"#ocr-{misread.pk} button.ocr-correct")
    page.wait_for_load_state("networkidle")
    assert "已更正" in page.locator(".alert").first.inner_text()
    # the table adds up again: only the value read with little confidence is left to check
    assert page.locator("#doubtful-count").inner_text() == "1"
    assert PRINTED in page.locator(f"#ocr-{misread.pk}").inner_text()
    shot(page, "corrected")
