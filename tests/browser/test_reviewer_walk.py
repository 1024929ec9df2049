"""The bar of issue 13: a reviewer works the 遵义 2024 adjustment from the findings panel, in Chromium.

Filters to the info items and dismisses them in bulk, resolves each error from the list with its
crop in view, all without a page reload; follows every 原文 link of every tab; signs off and
exports the report. Prints the clicks and seconds the walk took.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from filings import services as filing_services
from filings.models import Document, Filing
from review.models import Finding, SignOff

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ZUNYI = "zunyi-hrss-2024-adjustment"

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _store_zunyi(corpus_parse, clerk) -> Filing:
    """As the worker stores an upload: the PDF in MEDIA_ROOT, the parse stored, the rules run."""
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    pdf = CORPUS / "pdf" / f"{ZUNYI}.pdf"
    shutil.copyfile(pdf, media / "walk-zunyi.pdf")
    document = Document.objects.create(
        original_filename=pdf.name,
        sha256="e" * 64,
        size=pdf.stat().st_size,
        content_type="application/pdf",
        file="walk-zunyi.pdf",
        status=Document.Status.PARSING,
        uploaded_by=clerk,
    )
    document = filing_services.document_store_parse(
        document=document, parsed=corpus_parse(ZUNYI), seconds=0.1
    )
    return Filing.objects.get(pk=document.filing_id)


def test_reviewer_walk(page, app_server, corpus_parse, clerk, reviewer, shot, tmp_path):
    filing = _store_zunyi(corpus_parse, clerk)
    filing.department.reviewers.add(reviewer)
    clicks = 0

    page.goto(app_server + "/accounts/login/")
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", "pw-reviewer")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    checking = time.monotonic()
    base = f"{app_server}/filings/{filing.pk}/"

    # Every 原文 link (and every crop) of every tab answers 200.
    page.goto(base)
    tabs = page.eval_on_selector_all("a[data-tab]", "els => els.map(e => e.dataset.tab)")
    links: set[str] = set()
    for tab in tabs:
        page.goto(f"{base}?tab={tab}&status=all")
        links.update(
            page.eval_on_selector_all(
                "a[href*='/source/'], a[href*='/narrative/'], a[href*='/unread/'], a[href*='/pages/'],"
                " img[src*='/crop.png']",
                "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))",
            )
        )
    assert len(links) > 400
    failed = {
        link: status
        for link in sorted(links)
        if (status := page.request.get(app_server + link).status) != 200
    }
    assert failed == {}
    checked = time.monotonic() - checking

    started = time.monotonic()  # the reviewer's walk itself, from the filing to the report

    # The reviewer opens the filing's findings: one item per anomaly, hints apart.
    page.goto(base)
    page.click('a[data-tab="findings"]')
    clicks += 2  # the filing on the dashboard, the tab
    page.wait_for_selector("#findings-panel")
    assert page.locator("#anomalies .finding-item").count() == 26
    assert page.locator("#hints .finding-item").count() == 8
    page.evaluate("window.__marker = 'no reload'")
    shot(page, "panel")

    # j/k move through the list.
    page.keyboard.press("j")
    assert "current" in (page.locator("#findings-panel .finding-item").first.get_attribute("class") or "")

    # Filter to the info items and dismiss them all with one reason.
    with page.expect_response(lambda r: "severity=info" in r.url):
        page.select_option("#filter-severity", "info")
    clicks += 1
    page.wait_for_selector("#filter-severity >> option[value=info][selected]", state="attached")
    infos = page.locator("#findings-panel .finding-item").count()
    assert infos == Finding.objects.filter(filing=filing, severity="info").count() > 0
    page.check("#select-all")
    page.fill("#bulk-reason", "提示类问题，不影响批复")
    with page.expect_response(lambda r: r.url.endswith("/findings/decide/")):
        page.click("#bulk-dismiss")
    clicks += 3
    page.wait_for_selector(".panel-note.alert-success")
    assert not Finding.objects.filter(filing=filing, severity="info", decision="open").exists()
    shot(page, "infos-dismissed")

    # Filter to errors and resolve each from the list, its crop in view.
    with page.expect_response(lambda r: "severity=error" in r.url):
        page.select_option("#filter-severity", "error")
    clicks += 1
    page.wait_for_selector("#filter-severity >> option[value=error][selected]", state="attached")
    errors = list(
        Finding.objects.filter(filing=filing, severity="error")
        .order_by("page", "id")
        .values_list("pk", flat=True)
    )
    assert page.locator("#findings-panel .finding-item").count() == len(errors) > 1
    # The last error is left open: the reviewer signs off over it, giving the reason.
    kept_open = errors[-1]
    for n, pk in enumerate(errors[:-1]):
        item = page.locator(f"#finding-{pk}")
        item.scroll_into_view_if_needed()
        crop = item.locator("img.crop")
        crop.wait_for()
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 50", arg=crop.element_handle())
        assert "印刷" in item.inner_text()
        with page.expect_response(lambda r, pk=pk: r.url.endswith(f"/finding/{pk}/decide/")):
            if n == 0:  # the first from the keyboard: j selects it, r resolves it
                page.keyboard.press("j")
                assert "current" in (item.get_attribute("class") or "")
                page.keyboard.press("r")
            else:
                item.locator("button[value=resolved]").click()
                clicks += 1
        page.wait_for_selector(f"#finding-{pk}.decision-resolved")
    shot(page, "errors-resolved")
    assert page.evaluate("window.__marker") == "no reload"  # every decision swapped in place
    assert list(
        Finding.objects.filter(filing=filing, severity="error", decision="open").values_list("pk", flat=True)
    ) == [kept_open]

    # The 原文 page of the first error: every cell's row boxed, and back to the finding.
    page.locator(f"#finding-{errors[0]} a.source-link").click()
    page.wait_for_function("() => document.querySelector('img.page-image').naturalWidth > 500")
    assert page.locator(".finding-box").count() >= 1
    shot(page, "source-page")
    page.click("#source-back")
    # resolved, it is hidden by the default filter: the page shows every status to reach it
    page.wait_for_url(f"**/filings/{filing.pk}/?tab=findings&status=all#finding-{errors[0]}")
    assert page.locator(f"#finding-{errors[0]}.decision-resolved").is_visible()
    clicks += 2

    # Sign off over the one open error: the page asks for the override reason.
    page.fill("#override-reason", "该项已电话核实，随批复更正")
    page.click("#sign-off-button")
    clicks += 2
    page.wait_for_selector(".alert-success")
    sign_off = SignOff.objects.get(filing=filing, signed_by=reviewer)
    assert (sign_off.open_errors, sign_off.override_reason) == (1, "该项已电话核实，随批复更正")
    assert "该项已电话核实，随批复更正" in page.inner_text("body")  # shown on the filing page
    shot(page, "signed-off")

    # Export the report; it opens with openpyxl, its sheets and headers in Chinese.
    with page.expect_download() as download:
        page.click(f"a[href='/filings/{filing.pk}/report.xlsx']")
    clicks += 1
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    seconds = time.monotonic() - started
    workbook = load_workbook(path)
    assert {"概况", "异常"} <= set(workbook.sheetnames)
    head = [str(c.value) for row in workbook["异常"].iter_rows(max_row=6) for c in row if c.value]
    assert {"类别", "处理"} <= set(head)
    summary = [str(c.value) for row in workbook["概况"].iter_rows() for c in row if c.value]
    assert "该项已电话核实，随批复更正" in summary
    print(
        f"\nreviewer walk: {clicks} clicks and 2 keys, {seconds:.1f} s ({len(errors) - 1} errors resolved, "
        "1 signed over, "
        f"{infos} infos dismissed in bulk); {len(links)} 原文 links and crops answered 200 in {checked:.1f} s"
    )
