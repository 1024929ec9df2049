"""The admin cannot break state (issue 11, item 8).

A filing's status and identity, the sign-offs and the decisions are read-only there (they are
written by the review's services only, which keep four eyes and the history), a filing cannot be
reverted from its history, and no admin page answers 5xx, whatever is searched or filtered.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.urls import reverse

from filings.models import Filing, GridCell, GridRow
from review.models import Comment, Decision, Flag
from review.services import decide, filing_sign_off, filing_start_review
from tests import test_record

pytestmark = pytest.mark.django_db

filing = test_record.filing  # the fixture: the zunyi filing, uploaded by the clerk


def test_filing_status_and_identity_are_read_only_in_the_admin(client, filing, admin_user, reviewer):
    client.force_login(admin_user)
    url = reverse("admin:filings_filing_change", args=[filing.pk])
    page = client.get(url).content.decode()
    for field in ("status", "department", "year", "stage", "version", "previous"):
        assert f'name="{field}"' not in page, field
    response = client.post(
        url,
        {
            "status": "signed_off",
            "department": filing.department_id,
            "year": 1999,
            "stage": "original",
            "version": 9,
            "reviewer": reviewer.pk,
        },
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert (filing.status, filing.year, filing.stage, filing.version) == ("parsed", 2024, "adjustment", 1)
    assert client.get(reverse("admin:filings_filing_add")).status_code == 403
    # the report of a filing the admin could not sign says so (未签批), never a 500
    response = client.get(f"/filings/{filing.pk}/report.xlsx")
    assert response.status_code == 200 and "filename*=utf-8''" in response["Content-Disposition"]


def test_a_filing_cannot_be_reverted_from_its_history_in_the_admin(client, filing, admin_user, reviewer):
    filing_start_review(filing=filing, user=reviewer)
    oldest = filing.history.last()
    client.force_login(admin_user)
    url = reverse("admin:filings_filing_simple_history", args=[filing.pk, oldest.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reviewer": ""}).status_code == 403
    filing.refresh_from_db()
    assert filing.status == Filing.Status.IN_REVIEW and filing.reviewer == reviewer


def test_sign_offs_and_decisions_cannot_be_added_or_changed_in_the_admin(
    client, filing, admin_user, reviewer, make_reviewer
):
    sign_off = filing_sign_off(
        filing=filing, user=make_reviewer("second", filing.department), override_reason="x"
    )
    client.force_login(admin_user)
    assert client.get(reverse("admin:review_signoff_add")).status_code == 403
    assert client.post(reverse("admin:review_signoff_add"), {"filing": filing.pk}).status_code == 403
    change = reverse("admin:review_signoff_change", args=[sign_off.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"override_reason": "改过"}).status_code == 403
    sign_off.refresh_from_db()
    assert sign_off.override_reason == "x"
    finding = filing.findings.first()
    change = reverse("admin:review_finding_change", args=[finding.pk])
    assert client.post(change, {"decision": "dismissed", "reason": "后台改"}).status_code == 403
    finding.refresh_from_db()
    assert finding.decision == Decision.OPEN


def _one_of_each(filing, reviewer) -> None:
    """At least one object of every registered model, so every change page is visited."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    table = filing.tables.first()
    row = GridRow.objects.create(table=table, position=0, code="201", label="一般公共服务")
    GridCell.objects.create(row=row, column=0, text="1")
    flag = Flag.objects.create(filing=filing, table=table, note="存疑", created_by=reviewer)
    decide(item=filing.findings.first(), decision=Decision.RESOLVED, reason="", user=reviewer)
    Comment.objects.create(filing=filing, thread=flag.thread, author=reviewer, body="评论")
    common = {
        "username": "someone",
        "ip_address": "127.0.0.1",
        "user_agent": "ua",
        "path_info": "/accounts/login/",
    }
    AccessAttempt.objects.create(
        **common, http_accept="*/*", get_data="", post_data="", failures_since_start=1
    )
    AccessLog.objects.create(**common, http_accept="*/*")
    AccessFailureLog.objects.create(**common, http_accept="*/*", locked_out=False)


def test_every_admin_page_answers_without_a_server_error(client, filing, admin_user, reviewer, make_reviewer):
    _one_of_each(filing, reviewer)
    filing_sign_off(filing=filing, user=make_reviewer("second", filing.department), override_reason="确认")
    client.force_login(admin_user)
    client.raise_request_exception = False  # a 500 is counted, then all of them are reported
    failures: list[str] = []
    visited = 0

    def visit(url: str) -> str:
        nonlocal visited
        visited += 1
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {url[:160]}")
        return response.content.decode(errors="replace")

    searches = ["遵义", "%00", quote("审" * 150 + "x" * 150), "a%00b"]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:%s_%s_changelist" % info)
        page = visit(changelist)
        visit(reverse("admin:%s_%s_add" % info))
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model._meta.label} to visit"
        visit(reverse("admin:%s_%s_change" % info, args=[obj.pk]))
        visit(reverse("admin:%s_%s_history" % info, args=[obj.pk]))
        records = getattr(model, "history", None)
        if records is not None and hasattr(records, "model"):  # django-simple-history's pages
            record = records.model.objects.order_by("history_id").first()
            visit(reverse("admin:%s_%s_simple_history" % info, args=[record.id, record.history_id]))
        filter_links = set()
        if 'id="changelist-filter"' in page:
            sidebar = page[page.index('id="changelist-filter"') :]
            filter_links = {link.replace("&amp;", "&") for link in re.findall(r'href="(\?[^"]*)"', sidebar)}
        assert filter_links or not model_admin.list_filter, model._meta.label
        params = set()
        for link in filter_links:
            visit(changelist + link)
            params |= {part.split("=")[0] for part in link[1:].split("&") if part}
        for param in params:
            visit(f"{changelist}?{param}=%00")
            visit(f"{changelist}?{param}={quote('9' * 300)}")
        if model_admin.search_fields:
            for query in searches:
                visit(f"{changelist}?q={query}")
                visit(f"{changelist}?q={query}&{next(iter(params), 'o')}=%00")
    assert visited > 200
    assert not failures, "\n".join(failures)
