"""A worker killed with SIGKILL in the middle of a parse: the document is parsed again, once.

The filing is ~300 pages (corpus pages over and over), so the parse runs for seconds and
the kill lands mid-way. Two deaths, two recovery paths:

- the pool child dies: the worker's main process rejects the message (acks_late +
  reject_on_worker_lost), it comes back on the queue, and the same task claims the
  document again;
- the whole worker dies: the message is stuck unacknowledged, and the sweeper (run by beat)
  finds the document in ``parsing`` too long and sends it again; when Redis later gives the
  dead worker's message back, it finds the document done and leaves it alone.

Either way the rows stored equal those of one clean parse: nothing half-written, nothing twice.
"""

from __future__ import annotations

import io
import os
import signal
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app
from filings import services
from filings.models import Document
from filings.parsing import parse_pdf
from filings.uploads import candidates_from_bytes
from tests.faults.conftest import children_of, clean_counts, long_filing, row_counts, store_without_queueing
from tests.pdfmaker import build_pdf

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAGES = 300


@pytest.fixture(scope="module")
def filing() -> tuple[bytes, Future[dict]]:
    data = long_filing(PAGES, "worker-killed")
    # The reference parse runs on the other core while the worker parses the same bytes.
    pool = ThreadPoolExecutor(max_workers=1)
    reference = pool.submit(parse_pdf, io.BytesIO(data))
    pool.shutdown(wait=False)
    return data, reference


def after_pending(document: Document) -> bool:
    return Document.objects.get(pk=document.pk).is_pending


def status_of(document: Document) -> str:
    return Document.objects.values_list("status", flat=True).get(pk=document.pk)


def start_parse_on(queue: str, data: bytes, wait_for) -> Document:  # type: ignore[no-untyped-def]
    document = store_without_queueing("三百页.pdf", data)
    app.send_task("filings.tasks.parse_document", args=[document.pk], queue=queue)
    wait_for(lambda: status_of(document) == Document.Status.PARSING, what="the worker to claim it")
    # A parse of 300 pages takes several seconds; a second in, it is well under way.
    time.sleep(1)
    assert status_of(document) == Document.Status.PARSING, "the parse ended before the kill"
    return document


def assert_parsed_once(document: Document, data: bytes, reference: Future[dict]) -> None:
    document.refresh_from_db()
    assert document.status == Document.Status.PARSED, document.error
    assert document.page_count == PAGES
    # Claimed twice: the killed attempt and the one that finished.
    assert document.attempts == 2
    counts = row_counts(document.pk)
    assert counts["tables"] > 0 and counts["indicators"] > 0
    assert counts == clean_counts(data, reference.result(timeout=300))


def test_killed_pool_child_is_redelivered_and_parsed_once(filing, spawn_worker, wait_for):
    data, reference = filing
    worker = spawn_worker("faults-child")
    document = start_parse_on("faults-child", data, wait_for)
    (child,) = children_of(worker.pid)
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: status_of(document) == Document.Status.PARSED, timeout=240, what="the re-parse")
    assert worker.poll() is None, "the worker's main process should survive its child"
    assert_parsed_once(document, data, reference)


def test_killed_worker_is_swept_and_parsed_once(filing, spawn_worker, celery_worker, wait_for, settings):
    data, reference = filing
    worker = spawn_worker("faults-whole")
    document = start_parse_on("faults-whole", data, wait_for)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=20)
    # Nobody is left to finish it or to give the message back before its visibility timeout.
    assert status_of(document) == Document.Status.PARSING
    dead_task = Document.objects.get(pk=document.pk).task_id
    # What beat runs every minute, once SWEEP_PARSING_AFTER_SECONDS have passed.
    later = timezone.now() + timedelta(seconds=settings.SWEEP_PARSING_AFTER_SECONDS + 1)
    assert services.documents_sweep_stale(now=later) == 1
    # The sweeper sends it to the default queue: the session worker parses it.
    wait_for(lambda: status_of(document) == Document.Status.PARSED, timeout=240, what="the re-parse")
    assert_parsed_once(document, data, reference)

    # Redis gives the dead worker's message back once its visibility timeout passes: the same
    # task id again. It must find the document taken and leave it alone. A small document
    # queued behind it tells us when the worker got past it (one at a time, in order).
    app.send_task("filings.tasks.parse_document", args=[document.pk], task_id=dead_task)
    (candidate,) = candidates_from_bytes("之后.pdf", build_pdf(["after"]))
    after = services.document_upload(candidate=candidate, uploaded_by=None).document
    wait_for(lambda: not after_pending(after), what="the worker to get past the stale message")
    assert_parsed_once(document, data, reference)
