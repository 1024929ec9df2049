"""A complete record (issue 13, item 4): every state change in 记录, with who, when, what, linked.

The start of review, each decision and flag and comment (linked to its item on the 异常 tab),
the sign-off with an override's reason (also on the page head, not only in the report), a new
version made by a re-parse of a signed one (in both versions' records, each linking the other),
and a correction of the filing's facts: a department corrected, facts given by hand.
"""

from __future__ import annotations

import copy
import html
import json
import re

import pytest

from filings import services as filing_services
from filings.models import Document, Filing
from review.models import Decision
from review.services import comment_add, decide, filing_sign_off, filing_start_review, flag_create
from tests import test_parsed_storage as parsed_storage
from tests.conftest import CORPUS

pytestmark = pytest.mark.django_db

NAME = "synth-anshun-hsa-2023-adjustment"
DEPARTMENT = "安顺市医疗保障局"
OTHER = "安顺市人力资源和社会保障局"


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((CORPUS / "truth" / f"{NAME}.json").read_text())


def stored(parsed: dict, clerk, callbacks, sha: str = "a") -> Document:  # type: ignore[no-untyped-def]
    with callbacks(execute=True):
        document = parsed_storage.store(parsed, sha=sha)
    Document.objects.filter(pk=document.pk).update(uploaded_by=clerk)
    document.refresh_from_db()
    return document


@pytest.fixture
def filing(truth, clerk, reviewer, django_capture_on_commit_callbacks) -> Filing:
    document = stored(truth, clerk, django_capture_on_commit_callbacks)
    filing = Filing.objects.get(pk=document.filing_id)
    filing.department.reviewers.add(reviewer)
    return filing


def history(client, filing) -> list[dict[str, str]]:
    """The 记录 tab's rows: each cell's text, and the link of its 对象 if it has one."""
    page = client.get(f"/filings/{filing.pk}/?tab=history").content.decode()
    body = page[page.index('class="table table-sm history"') :]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body[body.index("<tbody>") :], flags=re.S):
        cells = [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        link = re.search(r'<a href="([^"]+)" class="history-link"', row)
        rows.append(
            {
                "at": cells[0],
                "who": cells[1],
                "what": cells[2],
                "detail": cells[3],
                "link": html.unescape(link.group(1)) if link else "",
            }
        )
    return rows


def entry(rows: list[dict[str, str]], **parts: str) -> dict[str, str]:
    found = [r for r in rows if all(text in r[key] for key, text in parts.items())]
    assert found, (parts, rows)
    return found[0]


def test_decisions_flags_and_comments_link_to_their_item(client, filing, reviewer):
    finding = filing.findings.order_by("pk").first()
    table = filing.tables.get(kind="project_expenditure")
    filing_start_review(filing=filing, user=reviewer)
    decide(item=finding, decision=Decision.DISMISSED, reason="口径不同", user=reviewer)
    flag = flag_create(
        filing=filing, table=table, row_position=1, row_label="某项目", note="金额存疑", user=reviewer
    )
    decide(item=flag, decision=Decision.RESOLVED, reason="已更正", user=reviewer)
    comment_add(filing=filing, thread=f"finding:{finding.place}", body="请复核", user=reviewer)
    comment_add(filing=filing, thread=flag.thread, body="已确认", user=reviewer)
    client.force_login(reviewer)
    rows = history(client, filing)

    started = entry(rows, detail="开始审核")
    assert (
        started["who"] == "reviewer"
        and started["what"] == "预算文件 第 1 版"
        and "审核中" in started["detail"]
    )
    findings_tab = f"/filings/{filing.pk}/?tab=findings&status=all"
    dismissed = entry(rows, detail="已驳回：口径不同")
    assert dismissed["link"] == f"{findings_tab}#finding-{finding.pk}"
    assert finding.class_label in dismissed["what"] and finding.key in dismissed["what"]
    assert entry(rows, detail="评论：请复核")["link"] == dismissed["link"]
    added = entry(rows, detail="添加标记")
    assert (
        added["link"] == f"{findings_tab}#flag-{flag.pk}"
        and "金额存疑" in added["what"]
        and table.title in added["what"]
    )
    assert entry(rows, detail="已解决：已更正")["link"] == added["link"]
    assert entry(rows, detail="评论：已确认")["link"] == added["link"]
    # the links lead to the items
    panel = client.get(findings_tab).content.decode()
    assert f'id="finding-{finding.pk}"' in panel and f'id="flag-{flag.pk}"' in panel
    assert entry(rows, what="文件《x.pdf》", detail="上传")["who"] == "clerk"


def test_the_override_reason_is_on_the_page_head_and_in_the_record(client, filing, reviewer):
    errors = filing.findings.filter(severity="error", decision="open").count()
    assert errors
    filing_sign_off(filing=filing, user=reviewer, override_reason="印刷错误已电话确认")
    client.force_login(reviewer)
    for tab in ("findings", "summary", "history"):
        page = client.get(f"/filings/{filing.pk}/?tab={tab}").content.decode()
        head = page[page.index("filing-head") : page.index('id="coverage"')]
        shown = re.search(r'id="override-reason-shown">(.*?)</span>', head, flags=re.S)
        assert shown and shown.group(1) == f"越过 {errors} 项未处理的错误，理由：印刷错误已电话确认", tab
    rows = history(client, filing)
    signed = entry(rows, detail="印刷错误已电话确认")
    assert signed["who"] == "reviewer" and f"越过 {errors} 项" in signed["detail"]
    assert [r["detail"] for r in rows].count(signed["detail"]) == 1
    assert not [r for r in rows if "已签批" in r["detail"]]  # the status change is that one entry


def test_no_override_no_reason_on_the_page(client, filing, reviewer):
    filing.findings.update(decision=Decision.RESOLVED)
    filing_sign_off(filing=filing, user=reviewer)
    client.force_login(reviewer)
    assert 'id="override-reason-shown"' not in client.get(f"/filings/{filing.pk}/").content.decode()


def test_a_new_version_is_in_both_records_each_linking_the_other(
    client, truth, filing, reviewer, django_capture_on_commit_callbacks
):
    filing.findings.update(decision=Decision.RESOLVED)
    filing_sign_off(filing=filing, user=reviewer)
    document = filing.documents.get()
    with django_capture_on_commit_callbacks(execute=True):
        filing_services.document_store_parse(document=document, parsed=copy.deepcopy(truth), seconds=0.1)
    newer = Filing.objects.get(department=filing.department, year=filing.year, stage=filing.stage, version=2)
    client.force_login(reviewer)

    made = entry(history(client, newer), detail="新版本 第 2 版")
    assert made["what"] == "预算文件 第 2 版" and "重新解析《x.pdf》" in made["detail"]
    assert made["link"] == f"/filings/{filing.pk}/"
    told = entry(history(client, filing), detail="新版本 第 2 版")
    assert told["link"] == f"/filings/{newer.pk}/" and "第 1 版已签批" in told["detail"]


def test_a_corrected_department_is_in_the_record_with_who_and_both_names(
    client, filing, clerk, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        filing_services.filing_correct_department(filing=filing, department=OTHER, user=clerk)
    client.force_login(admin_user)  # a clerk does not see the review pages
    rows = history(client, filing)
    corrected = entry(rows, detail=f"部门：{DEPARTMENT} → {OTHER}")
    assert corrected["who"] == "clerk" and f"部门由“{DEPARTMENT}”更正为“{OTHER}”" in corrected["detail"]


def test_facts_given_by_hand_are_in_the_record(
    client, truth, clerk, admin_user, django_capture_on_commit_callbacks
):
    parsed = copy.deepcopy(truth)
    parsed["department"] = None
    parsed["year"] = None
    document = stored(parsed, clerk, django_capture_on_commit_callbacks, sha="b")
    assert document.status == Document.Status.NEEDS_DETAILS
    with django_capture_on_commit_callbacks(execute=True):
        document = filing_services.document_give_details(
            document=document, user=clerk, department=DEPARTMENT, year=2023
        )
    client.force_login(admin_user)  # a clerk does not see the review pages
    rows = history(client, document.filing)
    given = entry(rows, what="文件《x.pdf》", detail="补充信息")
    assert (
        given["who"] == "clerk"
        and f"部门：{DEPARTMENT}" in given["detail"]
        and "年度：2023" in given["detail"]
    )
    assert entry(rows, detail="创建 第 1 版")["what"] == "预算文件 第 1 版"
