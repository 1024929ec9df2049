"""Units and flags as Chromium draws them (issue 13): chart text at least 12 px, a flagged row tinted."""

from __future__ import annotations

import pytest

from review.models import Flag
from tests.browser.test_review_flow import log_in
from tests.test_parsed_storage import store

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_chart_text_and_flagged_rows_as_drawn(page, app_server, reviewer, corpus_parse, shot):
    filing = store(corpus_parse("zunyi-hrss-2024-adjustment"), "z").filing
    filing.department.reviewers.add(reviewer)
    table = filing.tables.get(kind="project_expenditure")
    note = "与纸质表不一致"
    Flag.objects.create(filing=filing, table=table, row_position=3, note=note, created_by=reviewer)
    log_in(page, app_server, "reviewer")

    page.goto(f"{app_server}/filings/{filing.pk}/?tab=compare")
    sizes = page.eval_on_selector_all(
        "svg.bars text", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 12, sizes
    # the SVG is drawn at its own size (never scaled down below the 12 px it was laid out for)
    width = page.eval_on_selector("svg.bars", "e => e.getBoundingClientRect().width")
    assert width >= int(page.get_attribute("svg.bars", "width"))
    shot(page, "compare")

    page.goto(f"{app_server}/filings/{filing.pk}/?tab=projects")
    flagged = page.locator(f"#t{table.pk}-r3")
    other = page.locator(f"#t{table.pk}-r4")
    colour = "e => getComputedStyle(e.querySelector('td')).boxShadow"
    assert flagged.evaluate(colour) != other.evaluate(colour)  # the row is tinted, its neighbour not
    badge = flagged.locator(".flag-badge")
    assert badge.is_visible() and badge.get_attribute("title") == f"标记：{note}"
    flagged.scroll_into_view_if_needed()
    shot(page, "flagged-row")
