"""A parse that overruns its soft time limit ends as 解析超时, not as a broken file.

A real worker with PARSE_SOFT_TIME_LIMIT=1 s parses a 300-page filing (several seconds): the
limit fires inside pdfminer, whose errors the parser turns into "文件已损坏" — except this one,
which must reach the task and be recorded as a timeout.
"""

from __future__ import annotations

import pytest

from config.celery import app
from filings.models import Document
from tests.faults.conftest import long_filing, store_without_queueing

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_parse_past_its_time_budget_is_reported_as_a_timeout(spawn_worker, wait_for):
    spawn_worker("timeout", {"PARSE_SOFT_TIME_LIMIT": "1", "PARSE_HARD_TIME_LIMIT": "60"})
    document = store_without_queueing("超时.pdf", long_filing(300, "parse-timeout"))
    # No limits in the message: where filings.tasks is imported (another test did), Celery's
    # send_task puts this process's own limits (300 s) in it, and the worker's 1 s never applies.
    app.send_task(
        "filings.tasks.parse_document",
        args=[document.pk],
        queue="timeout",
        soft_time_limit=None,
        time_limit=None,
    )
    wait_for(
        lambda: not Document.objects.get(pk=document.pk).is_pending, timeout=60, what="the parse to stop"
    )
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "解析超时" in document.error, document.error
    assert "损坏" not in document.error
