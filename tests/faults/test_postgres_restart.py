"""PostgreSQL restarted while the worker parses: the task retries and the document is parsed.

The parse runs outside any transaction, so the worker's connection sits idle while it
reads pages; a fast restart cuts it off. Storing the rows then raises OperationalError,
the task's autoretry sends it again, the same task claims the document a second time and
finishes. The session worker does this, on the default queue, exactly as in production.
"""

from __future__ import annotations

import pytest
from django.db import connections

from filings import services
from filings.models import Document
from filings.uploads import candidates_from_bytes
from tests.faults.conftest import long_filing, pg_restart, row_counts

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAGES = 80


def status_of(document_id: int) -> str:
    return Document.objects.values_list("status", flat=True).get(pk=document_id)


def test_worker_retries_through_a_postgres_restart(celery_worker, clerk, wait_for):
    # Long enough (~2.5 s) that the fast restart (well under a second) lands while pages are read.
    data = long_filing(PAGES, "postgres-restart")
    (candidate,) = candidates_from_bytes("数据库重启.pdf", data)
    document = services.document_upload(candidate=candidate, uploaded_by=clerk).document
    wait_for(lambda: status_of(document.pk) == Document.Status.PARSING, what="the worker to claim it")
    try:
        pg_restart()
    finally:
        # Our own connection died with the server; the next query opens a new one.
        connections.close_all()
    wait_for(lambda: status_of(document.pk) == Document.Status.PARSED, timeout=180, what="the retried parse")
    document.refresh_from_db()
    assert document.page_count == PAGES and document.error == ""
    # The first attempt's store failed with the restart; the retry claimed it again.
    assert document.attempts == 2
    counts = row_counts(document.pk)
    assert counts["tables"] > 0 and counts["indicators"] > 0
