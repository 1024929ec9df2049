"""The reviewer's findings panel (issue 13): one item per anomaly, filters, bulk and in-place
decisions, evidence crops, the 原文 page and every source link answering."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from filings.interchange import filing_to_dict
from filings.models import Document, Filing
from review.models import Comment, Finding
from review.rules import SCHEMA_CLASSES, run_rules, to_anomalies_json
from review.selectors import filing_anomalies
from review.services import ReviewRefused, filing_check, findings_decide_bulk
from tests.conftest import CORPUS, CORPUS_NAMES
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db
ZUNYI = "zunyi-hrss-2024-adjustment"


def stored(name, sha, corpus_parse, capture, tmp_path, uploader=None) -> Filing:
    """A corpus filing stored as the worker stores it, its PDF where the source pages read it."""
    (tmp_path / f"{sha}.pdf").write_bytes((CORPUS / "pdf" / f"{name}.pdf").read_bytes())
    with capture(execute=True):
        document = store(corpus_parse(name), sha)
    Document.objects.filter(pk=document.pk).update(file=f"{sha}.pdf", uploaded_by=uploader)
    return Filing.objects.get(pk=document.filing_id)


@pytest.fixture
def zunyi(corpus_parse, reviewer, clerk, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    filing = stored(ZUNYI, "z", corpus_parse, django_capture_on_commit_callbacks, tmp_path, clerk)
    filing.department.reviewers.add(reviewer)
    return filing


@pytest.fixture
def rc(client, reviewer):
    client.force_login(reviewer)
    return client


def panel(client, filing, query="") -> str:
    return client.get(f"/filings/{filing.pk}/?tab=findings{query}").content.decode()


def test_one_finding_per_anomaly_with_every_cell(zunyi):
    findings = list(zunyi.findings.all())
    anomalies = [f for f in findings if f.anomaly_class in SCHEMA_CLASSES]
    assert (len(anomalies), len(findings)) == (26, 34)
    total = zunyi.findings.get(anomaly_class="sum_mismatch", table_kind="functional_expenditure", key="合计")
    assert len(total.parts) == len(total.cells) == 9
    assert all(p["printed"] and p["expected"] and p["page"] for p in total.parts)
    assert total.place == "sum_mismatch|functional_expenditure|合计"
    assert {p["table"] for p in total.parts} == {total.table_id}
    # several indicators of one project are one anomaly, every row kept
    invalid = zunyi.findings.get(anomaly_class="indicator_value_invalid", key="人才专项项目")
    assert len({p["row"] for p in invalid.parts}) == 9


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_the_export_reads_the_same_from_storage_as_from_the_rules(name, corpus_parse):
    filing = store(corpus_parse(name)).filing
    assert filing.findings.exists()
    assert filing_anomalies(filing) == to_anomalies_json(run_rules(filing_to_dict(filing)))


def test_decisions_stored_per_cell_carry_to_the_anomaly(zunyi, reviewer):
    """A filing checked before findings were grouped: its per-cell decisions and threads follow."""
    total = zunyi.findings.get(anomaly_class="sum_mismatch", key="合计")
    Finding.objects.filter(pk=total.pk).delete()
    old = []
    for i, part in enumerate(total.parts):
        place = f"{part['rule_id']}|functional_expenditure|合计|{part['row']}|{','.join(part['cells'])}"
        old.append(
            Finding.objects.create(
                filing=zunyi,
                rule_id=part["rule_id"],
                anomaly_class="sum_mismatch",
                severity="error",
                table_kind="functional_expenditure",
                key="合计",
                row_position=part["row"],
                cells=part["cells"],
                message=part["message"],
                printed=part["printed"],
                expected=part["expected"],
                place=place,
                decision="resolved" if i else "dismissed",
                reason="四舍五入",
                decided_by=reviewer,
            )
        )
    Comment.objects.create(filing=zunyi, thread=f"finding:{old[0].place}", author=reviewer, body="核对过")
    filing_check(filing=zunyi)
    grouped = zunyi.findings.get(anomaly_class="sum_mismatch", key="合计")
    assert (grouped.decision, grouped.reason, grouped.decided_by) != ("open", "", None)
    assert Comment.objects.get().thread == f"finding:{grouped.place}"
    # one cell left open: the anomaly is not decided as a whole
    Finding.objects.filter(pk=grouped.pk).delete()
    for i, f in enumerate(old):
        f.pk = None
        f.decision = "open" if i == 0 else "resolved"
        f.save()
    filing_check(filing=zunyi)
    assert zunyi.findings.get(anomaly_class="sum_mismatch", key="合计").decision == "open"


def test_bulk_decide_respects_four_eyes_and_the_reason(zunyi, reviewer, clerk):
    infos = list(zunyi.findings.filter(severity="info"))
    warnings = list(zunyi.findings.filter(severity="warning"))
    with pytest.raises(ReviewRefused, match="驳回必须填写理由"):
        findings_decide_bulk(findings=warnings, decision="dismissed", reason=" ", user=reviewer)
    zunyi.department.reviewers.add(clerk)
    clerk.groups.add(*reviewer.groups.all())
    table = warnings[0].table
    Document.objects.filter(pk=table.document_id).update(uploaded_by=clerk)
    with pytest.raises(ReviewRefused, match="四眼原则"):
        findings_decide_bulk(findings=warnings, decision="resolved", reason="", user=clerk)
    assert not zunyi.findings.exclude(decision="open").exists()  # all or none
    n = findings_decide_bulk(
        findings=warnings + infos, decision="dismissed", reason="格式问题", user=reviewer
    )
    assert n == len(warnings + infos) and n > 0
    assert set(zunyi.findings.filter(severity__in=["warning", "info"]).values_list("decision", "reason")) == {
        ("dismissed", "格式问题")
    }
    assert Finding.history.filter(filing_id=zunyi.pk, history_type="~", history_user=reviewer).count() == n


def test_the_panel_lists_anomalies_and_hints_apart_filters_and_swaps(zunyi, rc, reviewer):
    page = panel(rc, zunyi)
    anomalies = page[page.index('id="anomalies"') : page.index('id="hints"')]
    hints = page[page.index('id="hints"') :]
    assert anomalies.count('class="list-group-item finding-item') == 26
    assert hints.count('class="list-group-item finding-item') == 8
    assert "参考提示" in page and "印刷" in page and 'loading="lazy"' in page
    errors = panel(rc, zunyi, "&severity=error")
    assert errors.count("severity-badge-error") > 0 and "severity-badge-warning" not in errors
    one = zunyi.findings.filter(severity="error").first()
    rc.post(f"/filings/{zunyi.pk}/finding/{one.pk}/decide/", {"decision": "resolved", "reason": ""})
    assert f'id="finding-{one.pk}"' not in panel(rc, zunyi)  # open only, by default
    assert f'id="finding-{one.pk}"' in panel(rc, zunyi, "&status=resolved")
    assert f'id="finding-{one.pk}"' in panel(rc, zunyi, "&status=all")
    only = panel(rc, zunyi, "&class=sum_mismatch&table=functional_expenditure&status=all")
    assert set(re.findall(r'class="class-label">([^<]+)<', only)) == {"合计与明细不符"}
    swapped = rc.get(f"/filings/{zunyi.pk}/?tab=findings&severity=error", HTTP_HX_REQUEST="true")
    html = swapped.content.decode()
    assert (
        html.lstrip().startswith('<div class="findings-panel" id="findings-panel">') and "<html" not in html
    )


def test_a_decision_over_htmx_returns_the_item_else_a_redirect_to_it(zunyi, rc):
    one, two = zunyi.findings.filter(severity="error").order_by("id")[:2]
    url = f"/filings/{zunyi.pk}/finding/{one.pk}/decide/"
    item = rc.post(url, {"decision": "dismissed", "reason": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert item.lstrip().startswith('<li class="list-group-item finding-item decision-open')
    assert "驳回必须填写理由" in item
    item = rc.post(url, {"decision": "resolved", "reason": "核实"}, HTTP_HX_REQUEST="true").content.decode()
    assert "decision-resolved" in item and "已标为解决" in item
    response = rc.post(
        f"/filings/{zunyi.pk}/finding/{two.pk}/decide/",
        {"decision": "resolved", "next": f"/filings/{zunyi.pk}/?tab=findings"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#finding-{two.pk}")
    comment = rc.post(
        f"/filings/{zunyi.pk}/comments/",
        {"thread": f"finding:{two.place}", "body": "已电话核实"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "已电话核实" in comment and f'id="finding-{two.pk}"' in comment


def test_bulk_over_htmx_returns_the_panel_with_its_filters(zunyi, rc):
    infos = list(zunyi.findings.filter(severity="info").values_list("pk", flat=True))
    assert infos
    html = rc.post(
        f"/filings/{zunyi.pk}/findings/decide/",
        {"finding": infos, "decision": "dismissed", "reason": "提示类，不影响"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver/filings/{zunyi.pk}/?tab=findings&severity=info",
    ).content.decode()
    assert f"已驳回 {len(infos)} 项" in html and 'id="findings-panel"' in html
    assert "severity-badge-info" not in html.split('id="anomalies"')[1]  # all dismissed, open shown
    assert zunyi.findings.filter(severity="info", decision="open").count() == 0


def test_the_crop_and_the_page_of_a_finding(zunyi, rc, settings):
    total = zunyi.findings.get(anomaly_class="sum_mismatch", key="合计")
    crop = rc.get(f"/filings/{zunyi.pk}/findings/{total.pk}/crop.png")
    assert crop.status_code == 200 and crop["Content-Type"] == "image/png"
    body = b"".join(crop.streaming_content)
    assert body.startswith(b"\x89PNG")
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(body))
    assert 100 < image.width <= 1400 and image.height < 400  # a region, not the page
    cached = list((settings.MEDIA_ROOT / "crops").rglob("*.png"))
    assert len(cached) == 1 and cached[0].parent.name == total.document.sha256
    page = rc.get(f"/filings/{zunyi.pk}/narrative/{total.pk}/").content.decode()
    assert page.count("finding-box finding-box-error") >= 9  # every cell's row boxed
    assert f'href="/filings/{zunyi.pk}/?tab=findings#finding-{total.pk}"' in page
    assert 'id="next-page"' in page
    nxt = re.search(r'href="([^"]+)" id="next-page"', page).group(1)
    assert rc.get(nxt.replace("&amp;", "&")).status_code == 200
    assert f"?finding={total.pk}" in nxt


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_every_source_link_of_every_tab_answers(
    name, corpus_parse, reviewer, rc, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    filing = stored(name, "s", corpus_parse, django_capture_on_commit_callbacks, tmp_path)
    filing.department.reviewers.add(reviewer)
    first = rc.get(f"/filings/{filing.pk}/").content.decode()
    tabs = sorted(set(re.findall(r'data-tab="([a-z]+)"', first)))
    links: set[str] = set()
    for tab in tabs:
        html = rc.get(f"/filings/{filing.pk}/?tab={tab}&status=all").content.decode()
        found = re.findall(
            rf'(?:href|src)="(/filings/{filing.pk}/(?:source|narrative|unread|pages|findings)/[^"#]*)"', html
        )
        links.update(link.replace("&amp;", "&") for link in found)
    assert links
    answers = {link: rc.get(link).status_code for link in sorted(links)}
    assert {link: code for link, code in answers.items() if code != 200} == {}


def test_the_panel_reads_as_many_queries_whatever_the_filing(
    zunyi, rc, corpus_parse, reviewer, django_capture_on_commit_callbacks, tmp_path, django_assert_num_queries
):
    small = stored(
        "synth-anshun-hsa-2023-adjustment", "a", corpus_parse, django_capture_on_commit_callbacks, tmp_path
    )
    small.department.reviewers.add(reviewer)
    for subject in (zunyi, small):  # decided ones show who decided: no query per finding
        findings_decide_bulk(
            findings=list(subject.findings.filter(severity="warning")),
            decision="resolved",
            reason="",
            user=reviewer,
        )
    counts = []
    for subject in (zunyi, small):
        with CaptureQueriesContext(connection) as ctx:
            assert rc.get(f"/filings/{subject.pk}/?tab=findings&status=all").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert zunyi.findings.count() > 2 * small.findings.count()
    with django_assert_num_queries(counts[0]):
        rc.get(f"/filings/{small.pk}/?tab=findings&severity=error")
    with django_assert_num_queries(counts[0]):
        rc.get(f"/filings/{zunyi.pk}/?tab=findings&severity=error")
    print(
        f"findings panel queries: {counts[0]}",
        f"(zunyi {zunyi.findings.count()} findings, small {small.findings.count()})",
    )


def test_a_flag_is_decided_in_place_too(zunyi, rc, reviewer):
    from review.models import Flag

    flag = Flag.objects.create(filing=zunyi, table=zunyi.tables.first(), note="核对", created_by=reviewer)
    html = rc.post(
        f"/filings/{zunyi.pk}/flag/{flag.pk}/decide/", {"decision": "resolved"}, HTTP_HX_REQUEST="true"
    )
    assert (
        html.content.decode()
        .lstrip()
        .startswith(
            f'<li class="list-group-item finding-item flag-item decision-resolved" id="flag-{flag.pk}"'
        )
    )
    assert "findings-changed" in html["HX-Trigger"]


def test_figures_of_a_finding_are_in_its_tables_printed_unit(rc, zunyi):
    """A 万元 table's breach reads ``167.53 万元`` in the list and the report, not the stored yuan."""
    import io
    from decimal import Decimal

    from openpyxl import load_workbook

    from review.report import review_report

    finding = next(
        f
        for f in zunyi.findings.filter(anomaly_class="cross_table_mismatch")
        if f.part_list[0].get("unit") == "万元"
    )
    yuan = Decimal(finding.printed)
    shown = f"{yuan / 10000:,.2f} 万元"
    page = panel(rc, zunyi, "&status=all")
    item = page[page.index(f'id="finding-{finding.pk}"') :][:6000]
    assert shown in item and f">{finding.printed}<" not in item
    sheet = load_workbook(io.BytesIO(review_report(zunyi)))["异常"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "印刷值" in r)
    row = next(r for r in rows if finding.message in r)
    at = header.index("印刷值")
    assert (Decimal(str(row[at])), row[at + 2]) == (yuan / 10000, "万元")
