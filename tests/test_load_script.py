"""bench/load.py --short against the app served by gunicorn: it logs in, browses, and nothing fails.

The script's figures (requests/s, latencies) are printed, never asserted; what is asserted
is that every request of 10 users over 10 seconds succeeded, including the filing and
document pages it found by following the dashboard's links, while the worker parsed the
30-page filing the script uploaded as a clerk.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from filings import services
from filings.models import Document
from filings.uploads import candidates_from_bytes
from tests.conftest import CORPUS, ROOT

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_short_load_run_has_no_errors(app_server, celery_worker, clerk, reviewer, wait_for):
    data = (CORPUS / "pdf" / "synth-bijie-hrss-2024-original.pdf").read_bytes()
    (candidate,) = candidates_from_bytes("毕节.pdf", data)
    document = services.document_upload(candidate=candidate, uploaded_by=clerk).document
    wait_for(lambda: not Document.objects.get(pk=document.pk).is_pending, what="the parse")
    document.refresh_from_db()
    assert document.status == Document.Status.PARSED, document.error
    # Reviewers see the filings of their departments: give this one its department.
    document.filing.department.reviewers.add(reviewer)

    run = subprocess.run(
        [
            sys.executable,
            "bench/load.py",
            "--short",
            "--json",
            "--url",
            app_server,
            "--username",
            "reviewer",
            "--password",
            "pw-reviewer",
            "--clerk-username",
            "clerk",
            "--clerk-password",
            "pw-clerk",
            "--pages",
            "30",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.stdout.strip(), run.stderr
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"\nbench/load.py --short: {summary}")
    assert summary["errors"] == 0, summary["error_kinds"]
    assert run.returncode == 0
    assert summary["upload_status"] == 302
    assert summary["requests"] > 0 and summary["users"] == 10
    # The dashboard's links were followed: a filing page and a document page were among those browsed.
    assert {"/filings/", "/filings/<id>/", "/documents/<id>/"} <= set(summary["pages"])
    assert Document.objects.filter(original_filename="压测-30页.pdf").exists()
