"""On a phone (390×844) the dashboard, a filing's findings tab and the upload page fit the screen.

Wide tables scroll inside their own box (.table-responsive), never the page, and the navigation
wraps whole links instead of breaking them one character a line (issue 13, item 7).
"""

from __future__ import annotations

import pytest

from filings.models import Document
from tests import test_record
from tests.browser.test_review_flow import log_in

pytestmark = [pytest.mark.django_db(transaction=True)]

filing = test_record.filing  # the zunyi filing with its findings, uploaded by the clerk
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def assert_fits(page, what: str) -> int:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what}: the page is {width} px wide on a {PHONE['width']} px screen"
    return width


def assert_nav_usable(page) -> None:  # type: ignore[no-untyped-def]
    """Every link of the bar is on screen, one line high, its words whole."""
    links = page.locator("nav.site-nav a.nav-link, nav.site-nav .navbar-brand")
    assert links.count() >= 2
    for i in range(links.count()):
        link = links.nth(i)
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        line = page.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 24", link.element_handle())
        assert box["height"] < 2 * line + 16, f"{link.inner_text()!r} wraps inside itself"


def test_phone_layout_of_the_reviewer_and_clerk_pages(phone, app_server, filing, admin_user, clerk, shot):
    widths = {}
    # The admin has the longest bar (upload, workspace, documents, admin): it was 425 px wide.
    log_in(phone, app_server, admin_user.username)
    assert phone.url.endswith("/filings/")
    assert phone.locator("nav.site-nav a.nav-link").count() == 4
    assert_nav_usable(phone)
    widths["dashboard"] = assert_fits(phone, "dashboard")
    shot(phone, "dashboard")

    phone.goto(f"{app_server}/filings/{filing.pk}/?tab=findings")
    phone.wait_for_load_state("networkidle")
    assert filing.findings.exists() and phone.locator(".finding-item").count() > 0
    widths["findings"] = assert_fits(phone, "findings tab")
    assert_nav_usable(phone)
    shot(phone, "findings")

    phone.click("nav form[action$='logout/'] button")
    log_in(phone, app_server, "clerk")
    assert phone.url.endswith("/upload/")
    assert Document.objects.filter(uploaded_by=clerk).exists()
    table = phone.locator("#document-list table.documents")
    assert table.is_visible()
    # The list is wider than the screen: it scrolls in its own box.
    box = phone.locator("#document-list .table-responsive")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === 'auto'")
    widths["upload"] = assert_fits(phone, "upload page")
    assert_nav_usable(phone)
    shot(phone, "upload")
    print("phone scrollWidth per page:", widths)
