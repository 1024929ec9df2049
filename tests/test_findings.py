"""The rules in the application: findings stored after each parse, decisions kept across re-runs."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from filings.models import Document, Filing
from review.models import Finding
from review.services import filing_check
from tests.conftest import CORPUS, CORPUS_NAMES
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_stored_findings_score_full_recall(name, corpus_parse, scorer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = store(corpus_parse(name))
    out = io.StringIO()
    call_command("export_filing", str(document.filing_id), "--anomalies", stdout=out)
    got = json.loads(out.getvalue())
    truth = json.loads((CORPUS / "truth" / f"{name}.anomalies.json").read_text())
    tally = scorer.score_anomalies(truth, got)["tally"]
    assert tally.recall == 1.0, scorer.score_anomalies(truth, got)["missed"]
    assert tally.precision >= 0.9, scorer.score_anomalies(truth, got)["unexpected"]


def test_findings_point_at_their_table_and_row(corpus_parse, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = store(corpus_parse("synth-liupanshui-hrss-2025-adjustment"))
    finding = Finding.objects.filter(filing=document.filing, anomaly_class="change_mismatch").first()
    assert finding.table.kind == finding.table_kind
    assert finding.row_position is not None and finding.cells
    assert "应为" in finding.message or "印" in finding.message


def test_rerun_keeps_decisions_at_the_same_place(corpus_parse, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = store(corpus_parse("synth-anshun-hsa-2023-adjustment"))
    filing = Filing.objects.get(pk=document.filing_id)
    count = Finding.objects.filter(filing=filing).count()
    chosen = Finding.objects.filter(filing=filing).first()
    Finding.objects.filter(pk=chosen.pk).update(
        decision=Finding.Decision.DISMISSED,
        reason="印刷四舍五入",
        decided_by=clerk,
        decided_at=timezone.now(),
    )
    filing_check(filing=filing)
    assert Finding.objects.filter(filing=filing).count() == count
    kept = Finding.objects.get(filing=filing, place=chosen.place)
    assert kept.decision == Finding.Decision.DISMISSED and kept.reason == "印刷四舍五入"
    assert kept.pk != chosen.pk  # rows were replaced, the decision carried over
    assert Finding.objects.filter(filing=filing).open().count() == count - 1


def test_check_filing_command(corpus_parse):
    document = store(corpus_parse("synth-bijie-hrss-2024-original"))
    Finding.objects.all().delete()
    out = io.StringIO()
    call_command("check_filing", str(document.filing_id), stdout=out, verbosity=0)
    assert Finding.objects.filter(filing_id=document.filing_id).exists()
    call_command("check_filing", "--all", stdout=out, verbosity=0)
    assert "项异常" in out.getvalue()


def test_parse_pdf_anomalies_option():
    out = io.StringIO()
    call_command(
        "parse_pdf", str(CORPUS / "pdf" / "synth-bijie-hrss-2024-original.pdf"), "--anomalies", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["schema"] == "budget-anomalies/1"
    assert {"stale_deadline", "cost_exceeds_funds"} <= {a["class"] for a in data["anomalies"]}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_stores_findings_after_parsing(celery_worker, clerk_client, wait_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = (CORPUS / "pdf" / "synth-bijie-hrss-2024-original.pdf").read_bytes()
    clerk_client.post("/upload/", {"files": [SimpleUploadedFile("bijie.pdf", pdf)]})
    wait_for(lambda: Finding.objects.exists(), what="findings from the worker")
    document = Document.objects.get(original_filename="bijie.pdf")
    assert document.status == Document.Status.PARSED and document.filing.year == 2024
    assert Finding.objects.filter(filing=document.filing, anomaly_class="stale_deadline").exists()
