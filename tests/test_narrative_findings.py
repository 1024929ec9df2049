"""The 说明 in the workspace (issue 12 item 6): stored with its document, checked again from the
database, its findings on no table but on their page with the paragraph boxed, blocking sign-off."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command

from filings.interchange import filing_to_dict
from filings.models import Document, Filing
from review.models import Finding
from review.services import ReviewRefused, filing_check, filing_sign_off
from tests.conftest import REAL
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db

JUSTICE = "sh-putuo-justice-2026-dept-budget"
THE_THREE = {
    ("year_mismatch", "narrative", "p8"),
    ("narrative_logic", "narrative", "p9"),
    ("narrative_mismatch", "narrative", "p9"),
}


@pytest.fixture
def justice(real_parse, clerk, reviewer, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "j.pdf").write_bytes((REAL / "pdf" / f"{JUSTICE}.pdf").read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        document = store(real_parse(JUSTICE))
    Document.objects.filter(pk=document.pk).update(file="j.pdf", uploaded_by=clerk)
    filing = Filing.objects.get(pk=document.filing_id)
    filing.department.reviewers.add(reviewer)
    return filing


def test_the_narrative_is_stored_with_its_document_and_given_back(justice, real_parse):
    document = justice.documents.get()
    assert document.narrative == real_parse(JUSTICE)["narrative"]
    assert filing_to_dict(justice)["narrative"] == document.narrative


def test_narrative_findings_are_stored_on_their_page_and_scored(justice, scorer, tmp_path):
    stored = Finding.objects.filter(filing=justice, table_kind="narrative")
    assert stored and all(f.table_id is None and f.page and len(f.bbox) == 4 for f in stored)
    assert {f.document_id for f in stored} == {justice.documents.get().pk}
    # re-run from the database (check_filing) finds the same
    filing_check(filing=justice)
    out = io.StringIO()
    call_command("export_filing", str(justice.pk), "--anomalies", stdout=out)
    got = {(a["class"], a["table"], a["key"]) for a in json.loads(out.getvalue())["anomalies"]}
    assert {a for a in got if a[1] == "narrative" and a[0] != "punctuation"} == THE_THREE


def test_findings_panel_links_the_boxed_paragraph(client, reviewer, justice):
    client.force_login(reviewer)
    page = client.get(f"/filings/{justice.pk}/?tab=findings").content.decode()
    links = re.findall(rf'href="(/filings/{justice.pk}/narrative/\d+/)"', page)
    assert links
    finding = Finding.objects.get(filing=justice, rule_id="narrative.tables")
    url = f"/filings/{justice.pk}/narrative/{finding.pk}/"
    assert url in links
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="source-box"' in body
    assert f"/pages/{finding.document_id}/9.png" in body and "住房公积金" in body
    # a finding on a table has no such page
    other = Finding.objects.filter(filing=justice, table__isnull=False).first()
    if other is not None:
        assert client.get(f"/filings/{justice.pk}/narrative/{other.pk}/").status_code == 404


def test_open_narrative_errors_block_sign_off(justice, reviewer):
    narrative_errors = Finding.objects.filter(filing=justice, table_kind="narrative", severity="error")
    assert narrative_errors.count() >= 3
    Finding.objects.filter(filing=justice).exclude(table_kind="narrative").update(decision="resolved")
    with pytest.raises(ReviewRefused, match="错误"):
        filing_sign_off(filing=justice, user=reviewer)


def test_a_document_waiting_for_its_department_keeps_its_narrative(
    real_parse, clerk, django_capture_on_commit_callbacks
):
    from filings import services as filing_services

    parsed = {**real_parse(JUSTICE), "department": None}
    with django_capture_on_commit_callbacks(execute=True):
        waiting = store(parsed)
    Document.objects.filter(pk=waiting.pk).update(uploaded_by=clerk)
    waiting.refresh_from_db()
    assert waiting.status == Document.Status.NEEDS_DETAILS
    with django_capture_on_commit_callbacks(execute=True):
        filed = filing_services.document_give_details(
            document=waiting, user=clerk, department="上海市普陀区司法局"
        )
    assert filed.narrative == parsed["narrative"]
    keys = {
        (f.anomaly_class, f.key) for f in Finding.objects.filter(filing=filed.filing, table_kind="narrative")
    }
    assert {("year_mismatch", "p8"), ("narrative_logic", "p9"), ("narrative_mismatch", "p9")} <= keys
