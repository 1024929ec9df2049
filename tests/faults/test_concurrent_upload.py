"""The same file uploaded 20 times at once, through gunicorn: one Document, parsed once.

Each thread is its own clerk's browser (own connection and session) posting the same bytes;
the app serves them with 2 gunicorn workers × 4 threads, so the uploads truly overlap in
``services.document_upload``: the sha256 check, the file write and the insert.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from bench.load import Session
from filings.models import Document, document_storage_path
from tests.faults.conftest import CORPUS, row_counts

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

UPLOADS = 20


def test_same_file_uploaded_20_times_at_once_is_one_document(app_server, celery_worker, clerk, wait_for):
    data = (CORPUS / "synth-bijie-hrss-2024-original.pdf").read_bytes() + b"\n% concurrent\n"
    sessions = []
    for _ in range(UPLOADS):
        session = Session(app_server)
        session.login("clerk", "pw-clerk")
        sessions.append(session)

    def post(index: int) -> int:
        return sessions[index].upload([(f"同一文件-{index}.pdf", data)])

    with ThreadPoolExecutor(max_workers=UPLOADS) as pool:
        statuses = list(pool.map(post, range(UPLOADS)))
    for session in sessions:
        session.close()

    assert statuses == [302] * UPLOADS
    sha256 = hashlib.sha256(data).hexdigest()
    (document,) = Document.objects.filter(sha256=sha256)
    wait_for(lambda: not Document.objects.get(pk=document.pk).is_pending, what="the parse")
    document.refresh_from_db()
    # A loser of the race must not have queued a parse of a half-written file.
    assert document.status == Document.Status.PARSED, document.error
    assert document.attempts == 1
    assert Path(document.file.path).read_bytes() == data
    # One stored copy: no renamed duplicates left beside it by the losers of the file race.
    assert [p.name for p in Path(document.file.path).parent.iterdir() if p.name.startswith(sha256[:16])] == [
        Path(document.file.path).name
    ]
    assert row_counts(document.pk)["tables"] > 0


def test_a_half_written_file_left_by_a_racing_upload_is_not_what_gets_parsed(
    celery_worker, clerk_client, wait_for
):
    # What a loser of the race used to see: the winner's file already at its path but only
    # half written (FileSystemStorage writes in place). Trusting ``exists()`` queued a parse of it.
    data = (CORPUS / "synth-bijie-hrss-2024-original.pdf").read_bytes() + b"\n% half-written\n"
    path = Path(settings.MEDIA_ROOT) / document_storage_path(hashlib.sha256(data).hexdigest())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[: len(data) // 2])

    response = clerk_client.post("/upload/", {"files": [SimpleUploadedFile("半截.pdf", data)]})
    assert response.status_code == 302
    document = Document.objects.get(original_filename="半截.pdf")
    assert path.read_bytes() == data
    wait_for(lambda: not Document.objects.get(pk=document.pk).is_pending, what="the parse")
    document.refresh_from_db()
    assert document.status == Document.Status.PARSED, document.error
    # The whole file went through a temporary name: nothing is left beside it.
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.stem)) == [path.name]
