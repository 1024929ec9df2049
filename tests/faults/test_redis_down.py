"""Redis stopped while a clerk uploads: the upload is kept and parsed once Redis is back.

The upload page must not wait on the broker: the file is stored and the document row is
`queued` whatever Redis does. The lost task is the sweeper's business: beat runs it every
minute in production; here a worker with embedded beat runs it every second.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from filings.models import Document
from tests.faults.conftest import CORPUS, redis_start, redis_stop

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_upload_while_redis_is_down_is_parsed_once_redis_is_back(
    celery_worker, spawn_worker, clerk_client, wait_for, tmp_path
):
    data = (CORPUS / "synth-qiandongnan-hrss-2026-original.pdf").read_bytes() + b"\n% redis-down\n"
    redis_stop()
    try:
        started = time.monotonic()
        response = clerk_client.post("/upload/", {"files": [SimpleUploadedFile("断网时上传.pdf", data)]})
        took = time.monotonic() - started
        page = clerk_client.get("/upload/").content.decode()
    finally:
        redis_start()
    # Reported, not asserted (no timing assertions): the closing note quotes it.
    print(f"\nupload with Redis down answered in {took:.2f} s")
    assert response.status_code == 302
    assert "断网时上传.pdf：已上传，正在排队解析" in page
    document = Document.objects.get(original_filename="断网时上传.pdf")
    assert document.status == Document.Status.QUEUED and document.attempts == 0
    assert Path(document.file.path).read_bytes() == data

    # Nobody touches it now: beat (in a worker started with -B, every second, with documents
    # stale after a second) runs the sweeper, which sends the task. Whichever worker takes it,
    # this one or the session worker that reconnects by itself, parses it.
    spawn_worker(
        "celery",
        {"SWEEP_INTERVAL_SECONDS": "1", "SWEEP_QUEUED_AFTER_SECONDS": "1"},
        beat_schedule=tmp_path / "celerybeat-schedule",
    )
    wait_for(lambda: not Document.objects.get(pk=document.pk).is_pending, timeout=120, what="the parse")
    document.refresh_from_db()
    assert document.status == Document.Status.PARSED, document.error
    assert document.attempts == 1
