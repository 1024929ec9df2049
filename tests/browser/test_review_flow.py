"""The review, end to end in Chromium: a clerk uploads, a reviewer works the filing and signs it off."""

from __future__ import annotations

from pathlib import Path

import pytest

from filings.models import Department, Document, Filing
from review.models import Finding, Flag, SignOff

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "pdf"
SAMPLES = [CORPUS / "zunyi-hrss-2024-adjustment.pdf", CORPUS / "qiannan-hrss-2025-original.pdf"]

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def log_out(page) -> None:
    page.click("nav form[action$='logout/'] button")
    page.wait_for_url("**/accounts/login/")


def test_review_and_sign_off(page, app_server, celery_worker, clerk, reviewer, shot):
    # The clerk uploads both samples and waits for the worker.
    log_in(page, app_server, "clerk")
    page.set_input_files("input[type=file]", [str(p) for p in SAMPLES])
    page.click("#upload-button")
    page.wait_for_selector(".alert-success")
    for sample in SAMPLES:
        doc_id = Document.objects.get(original_filename=sample.name).pk
        page.wait_for_selector(f'#document-{doc_id}[data-status="parsed"]', timeout=90000)
    shot(page, "clerk-parsed")
    log_out(page)

    # An admin assigns the reviewer to both departments (done here through the ORM).
    for department in Department.objects.all():
        department.reviewers.add(reviewer)
    filing = Filing.objects.get(department__name="遵义市人力资源和社会保障局")

    log_in(page, app_server, "reviewer")
    assert page.url.endswith("/filings/")
    shot(page, "dashboard")
    page.click(f'a[href="/filings/{filing.pk}/"]')
    page.click('a[data-tab="functional"]')
    highlighted = page.locator("td.finding-error").first
    highlighted.scroll_into_view_if_needed()
    assert "应为" in (highlighted.get_attribute("title") or "") or highlighted.get_attribute("title")
    shot(page, "highlighted-cell")

    # Its source page, the row boxed.
    row = highlighted.locator("xpath=ancestor::tr")
    row.locator("td.source a").click()
    page.wait_for_selector("#source-box")
    page.wait_for_function("() => document.querySelector('img.page-image').naturalWidth > 500")
    shot(page, "source-page")
    page.go_back()

    # Flag a row with a note.
    page.locator("button.flag-row").nth(3).click()
    page.fill("#flag-note", "与报送纸质表核对不一致")
    page.click("#flag-dialog button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert Flag.objects.get().note == "与报送纸质表核对不一致"
    shot(page, "flagged")

    # Resolve a finding with a reason.
    page.click('a[data-tab="findings"]')
    finding = Finding.objects.filter(filing=filing, severity="error").order_by("id").first()
    item = page.locator(f"#finding-{finding.pk}")
    item.locator("input[name=reason]").fill("已与处室核实，以调整数为准")
    item.locator("button[value=resolved]").click()
    page.wait_for_selector(f"#finding-{finding.pk}.decision-resolved")  # swapped in place (htmx)
    finding = Finding.objects.get(place=finding.place, filing=filing)
    assert finding.decision == "resolved" and finding.decided_by == reviewer
    shot(page, "finding-resolved")

    # Sign-off with open errors is refused, then overridden with a reason.
    page.click("#sign-off-button")
    page.wait_for_selector(".alert-danger")
    assert "错误级别的异常未处理" in page.inner_text(".alert-danger")
    assert not SignOff.objects.exists()
    shot(page, "sign-off-refused")
    page.fill("#override-reason", "印刷差错已由部门书面说明")
    page.click("#sign-off-button")
    page.wait_for_selector(".alert-success")
    sign_off = SignOff.objects.get(filing=filing)
    assert sign_off.signed_by == reviewer and sign_off.override_reason == "印刷差错已由部门书面说明"
    assert "已签批" in page.inner_text(".filing-head")
    assert page.locator("button.flag-row").count() == 0  # read-only now
    shot(page, "signed-off")
    log_out(page)

    # The clerk who uploaded it cannot sign off (nor open the review pages).
    log_in(page, app_server, "clerk")
    other = Filing.objects.get(department__name__startswith="黔南")
    response = page.goto(f"{app_server}/filings/{other.pk}/")
    assert response.status in (403, 404)
    status = page.evaluate(
        """async (url) => {
            const token = document.cookie.split('; ').find(c => c.startsWith('csrftoken='));
            const headers = {'X-CSRFToken': token ? token.split('=')[1] : ''};
            const r = await fetch(url, {method: 'POST', headers});
            return r.status;
        }""",
        f"{app_server}/filings/{other.pk}/sign-off/",
    )
    assert status in (403, 404)
    assert not SignOff.objects.filter(filing=other).exists()
    shot(page, "clerk-refused")
