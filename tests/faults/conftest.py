"""Fault-test helpers: our own workers to kill, the test Redis and PostgreSQL to stop and start.

``bin/test`` tells us where its servers live (TEST_REDIS_DIR/TEST_REDIS_PORT,
TEST_PG_DATA/TEST_PG_BIN); a test that needs to stop one skips when they are not ours.
Every helper that stops a server starts it again in a ``finally``, so a failing fault test
never leaves the rest of the suite without its database or broker.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, _worker_env

CORPUS = ROOT / "tests" / "corpus" / "pdf"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes seconds, not milliseconds; still runs in CI by default")


def long_filing(pages: int, marker: str) -> bytes:
    """A filing of ``pages`` pages: the corpus's pages over and over (pypdfium2 import_pages).

    ``marker`` goes into a trailing comment so each test's file has its own sha256.
    """
    import io

    import pypdfium2 as pdfium

    sources = [pdfium.PdfDocument(path) for path in sorted(CORPUS.glob("*.pdf"))]
    merged = pdfium.PdfDocument.new()
    try:
        while len(merged) < pages:
            for source in sources:
                take = min(len(source), pages - len(merged))
                if take <= 0:
                    break
                merged.import_pages(source, list(range(take)))
        buffer = io.BytesIO()
        merged.save(buffer)
    finally:
        merged.close()
        for source in sources:
            source.close()
    return buffer.getvalue() + f"\n% {marker}\n".encode()


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


@pytest.fixture
def spawn_worker(django_db_setup, django_db_blocker) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start a worker of our own on its own queue, so killing it spares the session worker."""
    from django.db import connection

    from config.celery import app

    with django_db_blocker.unblock():
        db_name = connection.settings_dict["NAME"]
    started: list[subprocess.Popen[bytes]] = []

    def spawn(
        queue: str, extra_env: dict[str, str] | None = None, beat_schedule: Path | None = None
    ) -> subprocess.Popen[bytes]:
        name = f"{queue}-{len(started)}@{socket.gethostname()}"
        # Beside the session worker's log (tests/conftest.py _spawn): next to the test media.
        logs = Path(os.environ.get("MEDIA_ROOT", ROOT / "var" / "test" / "media")).parent
        log = logs / f"worker-{queue}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        # With a schedule file the worker embeds beat (-B), as bin/run's worker does.
        beat = ["--beat", "--schedule", str(beat_schedule)] if beat_schedule else []
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--concurrency",
                    "1",
                    "--queues",
                    queue,
                    "--hostname",
                    name,
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                    *beat,
                ],
                cwd=ROOT,
                env=_worker_env(db_name) | (extra_env or {}),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: we can kill it and its child
            )
        started.append(proc)
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker for queue {queue} did not start; see {log}")
        return proc

    yield spawn
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)


# --------------------------------------------------------------------------- Redis


def _redis() -> tuple[str, str]:
    directory, port = os.environ.get("TEST_REDIS_DIR"), os.environ.get("TEST_REDIS_PORT")
    if not directory or not port:
        pytest.skip("the test Redis is not ours to stop (TEST_REDIS_DIR/TEST_REDIS_PORT unset)")
    return directory, port


def redis_up(port: str) -> bool:
    return subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True).returncode == 0


def redis_stop() -> None:
    _, port = _redis()
    subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
    for _ in range(100):
        if not redis_up(port):
            return
        time.sleep(0.05)
    pytest.fail("Redis did not stop")


def redis_start() -> None:
    """The same command as start_redis in bin/_lib.sh (no persistence)."""
    directory, port = _redis()
    if redis_up(port):
        return
    subprocess.run(
        [
            "redis-server",
            "--port",
            port,
            "--bind",
            "127.0.0.1",
            "--dir",
            directory,
            "--daemonize",
            "yes",
            "--pidfile",
            f"{directory}/redis.pid",
            "--logfile",
            f"{directory}/redis.log",
            "--save",
            "",
        ],
        check=True,
    )
    for _ in range(100):
        if redis_up(port):
            return
        time.sleep(0.05)
    pytest.fail("Redis did not come back")


# --------------------------------------------------------------------------- PostgreSQL


def pg_restart() -> None:
    """Restart the test cluster (fast: sessions are cut off, as in a crash or a failover)."""
    data, bindir = os.environ.get("TEST_PG_DATA"), os.environ.get("TEST_PG_BIN")
    if not data or not bindir:
        pytest.skip("the test PostgreSQL is not ours to restart (TEST_PG_DATA/TEST_PG_BIN unset)")
    # -l: without a log file the server would inherit our pipe and run() would wait on it.
    command = [
        f"{bindir}/pg_ctl",
        "-D",
        data,
        "-l",
        f"{data}/server.log",
        "-w",
        "-t",
        "60",
        "restart",
        "-m",
        "fast",
    ]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True)


# --------------------------------------------------------------------------- counting rows


def row_counts(document_id: int) -> dict[str, int]:
    """Every row a parse writes for one document, by model."""
    from filings.models import (
        FunctionalLine,
        Indicator,
        ParsedTable,
        PerformanceTarget,
        ProjectLine,
        SummaryLine,
    )

    return {
        "tables": ParsedTable.objects.filter(document_id=document_id).count(),
        "summary": SummaryLine.objects.filter(table__document_id=document_id).count(),
        "functional": FunctionalLine.objects.filter(table__document_id=document_id).count(),
        "projects": ProjectLine.objects.filter(table__document_id=document_id).count(),
        "targets": PerformanceTarget.objects.filter(table__document_id=document_id).count(),
        "indicators": Indicator.objects.filter(target__table__document_id=document_id).count(),
    }


def clean_counts(data: bytes, parsed: dict) -> dict[str, int]:
    """The rows one clean store of ``parsed`` writes, measured in a transaction rolled back."""
    from django.db import transaction

    from filings import services
    from filings.models import Document

    with transaction.atomic():
        twin = Document.objects.create(
            original_filename="twin.pdf",
            sha256="0" * 64,
            size=len(data),
            content_type="application/pdf",
            file="documents/twin.pdf",
        )
        services.document_store_parse(document=twin, parsed=parsed, seconds=0)
        counts = row_counts(twin.pk)
        transaction.set_rollback(True)
    return counts


def store_without_queueing(name: str, data: bytes, uploaded_by=None):  # type: ignore[no-untyped-def]
    """A stored, queued document that no task was sent for yet (we send it to our own queue)."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from filings.models import Document, document_storage_path

    sha256 = hashlib.sha256(data).hexdigest()
    path = document_storage_path(sha256)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    return Document.objects.create(
        original_filename=name,
        sha256=sha256,
        size=len(data),
        content_type="application/pdf",
        file=path,
        uploaded_by=uploaded_by,
        queued_at=timezone.now(),
    )
