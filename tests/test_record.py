"""What a reviewer decided must be provable later (issue 11, items 3 and 7; 8 is in test_admin.py).

- Every state change of a filing is in its history with who and when, and the 记录 tab shows
  it: the start of review, the sign-off (with an override's reason), each decision with its
  reason, each flag and comment, and what each of them concerns.
- Four eyes on decisions: the uploader of a document cannot resolve or dismiss its findings.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from filings.models import Document, Filing
from review.models import Comment, Decision, SignOff
from review.services import (
    ReviewRefused,
    comment_add,
    decide,
    filing_sign_off,
    filing_start_review,
    flag_create,
)
from tests.conftest import CORPUS
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db

NAME = "zunyi-hrss-2024-adjustment"


@pytest.fixture
def filing(corpus_parse, reviewer, clerk, django_capture_on_commit_callbacks, settings, tmp_path):
    """The zunyi filing (with error findings), uploaded by the clerk, reviewed by the reviewer."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "z.pdf").write_bytes((CORPUS / "pdf" / f"{NAME}.pdf").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        document = store(corpus_parse(NAME))
    Document.objects.filter(pk=document.pk).update(file="z.pdf", uploaded_by=clerk)
    filing = Filing.objects.get(pk=document.filing_id)
    filing.department.reviewers.add(reviewer)
    return filing


def _history_rows(client, filing) -> list[str]:
    """The 记录 tab's rows as text, one string per row."""
    page = client.get(f"/filings/{filing.pk}/?tab=history").content.decode()
    body = page[page.index('class="table table-sm history"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", body[body.index("<tbody>") :], flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


# --- item 3: every state change recorded, shown in 记录 --------------------------------------


def test_start_of_review_is_in_the_filing_history_with_who(client, filing, reviewer):
    before = filing.history.count()
    client.force_login(reviewer)
    client.post(f"/filings/{filing.pk}/start/")
    filing.refresh_from_db()
    assert filing.status == Filing.Status.IN_REVIEW and filing.reviewer == reviewer
    assert filing.history.count() == before + 1
    latest = filing.history.first()
    assert (latest.status, latest.reviewer_id, latest.history_user) == ("in_review", reviewer.pk, reviewer)
    rows = _history_rows(client, filing)
    assert any("审核中" in row and "reviewer" in row and "开始审核" in row for row in rows), rows


def test_start_of_review_twice_records_one_change(filing, reviewer):
    filing_start_review(filing=filing, user=reviewer)
    count = filing.history.count()
    filing_start_review(filing=filing, user=reviewer)  # already in review by them: nothing changes
    assert filing.history.count() == count


def test_history_tab_shows_the_sign_off_and_the_override_reason(client, filing, make_reviewer, reviewer):
    second = make_reviewer("second", filing.department)
    filing_start_review(filing=filing, user=reviewer)
    sign_off = filing_sign_off(filing=filing, user=second, override_reason="印刷错误已电话确认")
    client.force_login(reviewer)
    rows = _history_rows(client, filing)
    signed = [row for row in rows if "签批" in row and "印刷错误已电话确认" in row]
    assert signed, rows
    assert "second" in signed[0] and f"{sign_off.open_errors} 项" in signed[0]
    assert rows.index(signed[0]) < next(i for i, row in enumerate(rows) if "开始审核" in row)  # newest first


def test_history_tab_shows_decisions_flags_and_comments_with_what_they_concern(client, filing, reviewer):
    finding = filing.findings.order_by("pk").first()
    table = filing.tables.get(kind="project_expenditure")
    decide(item=finding, decision=Decision.DISMISSED, reason="口径不同", user=reviewer)
    flag = flag_create(
        filing=filing, table=table, row_position=2, row_label="某项目", note="金额存疑", user=reviewer
    )
    decide(item=flag, decision=Decision.RESOLVED, reason="处室已更正", user=reviewer)
    comment_add(filing=filing, thread=f"finding:{finding.place}", body="请处室复核", user=reviewer)
    comment_add(filing=filing, thread=flag.thread, body="已电话确认", user=reviewer)
    client.force_login(reviewer)
    rows = _history_rows(client, filing)

    def row_with(*parts: str) -> str:
        found = [row for row in rows if all(part in row for part in parts)]
        assert found, (parts, rows)
        return found[0]

    dismissed = row_with("已驳回", "口径不同")
    assert "reviewer" in dismissed and finding.key in dismissed and finding.message in dismissed
    flagged = row_with("标记", "金额存疑", "某项目")
    assert table.title in flagged and "reviewer" in flagged
    assert table.title in row_with("已解决", "处室已更正")
    assert finding.key in row_with("评论", "请处室复核")
    assert "金额存疑" in row_with("评论", "已电话确认")


def test_history_tab_query_count_does_not_grow_with_the_record(client, filing, reviewer, make_reviewer):
    from review.selectors import filing_timeline

    client.force_login(reviewer)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/filings/{filing.pk}/?tab=history").status_code == 200
        return len(ctx.captured_queries)

    def timeline_queries() -> tuple[int, int]:
        fresh = Filing.objects.select_related("department").get(pk=filing.pk)  # no cached sign-off
        with CaptureQueriesContext(connection) as ctx:
            events = filing_timeline(filing=fresh)
            for event in events:  # everything the template shows
                str(event["at"]), str(event["who"]), str(event["what"]), str(event["detail"])
        return len(ctx.captured_queries), len(events)

    page_before, (timeline_before, events_before) = page_queries(), timeline_queries()
    filing_start_review(filing=filing, user=reviewer)
    table = filing.tables.get(kind="project_expenditure")
    for finding in filing.findings.order_by("pk")[:5]:
        decide(item=finding, decision=Decision.RESOLVED, reason="已核", user=reviewer)
        comment_add(filing=filing, thread=f"finding:{finding.place}", body="x", user=reviewer)
    for row in range(3):
        flag = flag_create(
            filing=filing, table=table, row_position=row, row_label="", note="存疑", user=reviewer
        )
        comment_add(filing=filing, thread=flag.thread, body="y", user=reviewer)
    assert Comment.objects.count() == 8
    assert page_queries() == page_before
    assert timeline_queries()[0] == timeline_before
    filing_sign_off(filing=filing, user=make_reviewer("second", filing.department), override_reason="确认")
    timeline_after, events_after = timeline_queries()
    assert events_after >= events_before + 1 + 5 + 5 + 3 + 3 + 1
    assert timeline_after == timeline_before + 1  # the sign-off, read once for the page head too


# --- item 7: four eyes on decisions ----------------------------------------------------------


@pytest.fixture
def uploader(clerk, filing):
    """The clerk who uploaded the filing is also a reviewer of its department."""
    from django.contrib.auth.models import Group

    clerk.groups.add(Group.objects.get(name="审核员"))
    filing.department.reviewers.add(clerk)
    return clerk


@pytest.mark.parametrize("decision", [Decision.RESOLVED, Decision.DISMISSED])
def test_the_uploader_cannot_decide_the_findings_of_their_document(filing, uploader, decision):
    finding = filing.findings.filter(severity="error").first()
    with pytest.raises(ReviewRefused, match="上传该文件的人不能处理其异常"):
        decide(item=finding, decision=decision, reason="没问题", user=uploader)
    finding.refresh_from_db()
    assert finding.decision == Decision.OPEN and finding.decided_by is None


def test_the_uploader_dismissing_errors_leaves_the_colleague_needing_an_override(
    client, filing, uploader, make_reviewer
):
    client.force_login(uploader)
    for finding in filing.findings.filter(severity="error"):
        response = client.post(
            f"/filings/{filing.pk}/finding/{finding.pk}/decide/",
            {"decision": "dismissed", "reason": "没问题"},
            follow=True,
        )
        assert "上传该文件的人不能处理其异常" in response.content.decode()
    assert filing.findings.filter(severity="error", decision=Decision.OPEN).exists()
    with pytest.raises(ReviewRefused, match="错误级别的异常未处理"):
        filing_sign_off(filing=filing, user=make_reviewer("colleague", filing.department))
    assert not SignOff.objects.exists()


def test_the_decision_buttons_are_hidden_for_the_uploader_only(client, filing, uploader, reviewer):
    def buttons(user) -> tuple[int, int]:
        client.force_login(user)
        page = client.get(f"/filings/{filing.pk}/?tab=findings").content.decode()
        # each item's own buttons (the bulk bar's carry an id after type="submit")
        return (
            page.count('name="decision" value="resolved" type="submit">'),
            page.count('name="decision" value="dismissed" type="submit">'),
        )

    findings = filing.findings.count()
    assert buttons(reviewer) == (findings, findings)
    assert buttons(uploader) == (0, 0)
    client.force_login(uploader)  # they can still comment on their own filing's findings
    assert 'name="body"' in client.get(f"/filings/{filing.pk}/?tab=findings").content.decode()


def test_the_uploader_cannot_decide_on_a_version_holding_their_document(filing, uploader):
    # a newer version took the document over (Document.filing); this version still holds its tables
    newer = Filing.objects.create(
        department=filing.department, year=filing.year, stage=filing.stage, version=2
    )
    filing.documents.update(filing=newer)
    finding = filing.findings.exclude(table=None).first()
    with pytest.raises(ReviewRefused, match="上传该文件的人不能处理其异常"):
        decide(item=finding, decision=Decision.RESOLVED, reason="", user=uploader)


def test_a_colleague_still_decides(filing, uploader, reviewer):
    finding = filing.findings.first()
    decide(item=finding, decision=Decision.DISMISSED, reason="口径不同", user=reviewer)
    finding.refresh_from_db()
    assert (finding.decision, finding.decided_by) == (Decision.DISMISSED, reviewer)
