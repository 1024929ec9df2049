"""Writes on filings and documents: upload, queueing, parsing outcome, the stale-work sweeper."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Document, document_storage_path
from .pdfprobe import PdfUnreadable, probe_pdf
from .uploads import Candidate

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class UploadOutcome:
    filename: str
    document: Document | None
    created: bool
    error: str = ""


def _enqueue_parse(document_id: int) -> None:
    # Sent by name so this module needs no Celery import; a broker that is down only
    # delays the work: the document stays `queued` and the sweeper sends it again.
    from config.celery import app

    try:
        app.send_task("filings.tasks.parse_document", args=[document_id])
    except Exception:
        logger.warning("could not queue document %s; the sweeper will retry", document_id, exc_info=True)


def document_enqueue(*, document: Document) -> None:
    """Queue the document for parsing once the current transaction commits."""
    transaction.on_commit(lambda: _enqueue_parse(document.pk), robust=True)


def document_upload(*, candidate: Candidate, uploaded_by: Any) -> UploadOutcome:
    """Store one candidate file by its content hash and queue it; a known hash is not stored again."""
    if candidate.error or candidate.content is None:
        return UploadOutcome(candidate.filename, None, False, candidate.error)
    content = candidate.content
    sha256 = hashlib.sha256(content).hexdigest()
    existing = Document.objects.filter(sha256=sha256).first()
    if existing is not None:
        return UploadOutcome(candidate.filename, existing, False)
    path = document_storage_path(sha256)
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(content))
        if saved != path:  # another upload of the same bytes won the race; keep one copy
            default_storage.delete(saved)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                original_filename=candidate.filename,
                sha256=sha256,
                size=len(content),
                content_type="application/pdf",
                file=path,
                uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
                queued_at=timezone.now(),
            )
            document_enqueue(document=document)
    except IntegrityError:
        return UploadOutcome(candidate.filename, Document.objects.get(sha256=sha256), False)
    return UploadOutcome(candidate.filename, document, True)


def document_requeue(*, document: Document) -> None:
    """Send a document to the worker again (admin action, sweeper), clearing the last error."""
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(
            status=Document.Status.QUEUED, error="", task_id="", queued_at=timezone.now()
        )
        document_enqueue(document=document)


def document_claim(*, document_id: int, task_id: str) -> bool:
    """Take a document for one task; two workers never both win. A retry of the same task may."""
    return bool(
        Document.objects.filter(pk=document_id)
        .filter(Q(status=Document.Status.QUEUED) | Q(status=Document.Status.PARSING, task_id=task_id))
        .update(
            status=Document.Status.PARSING,
            task_id=task_id,
            attempts=F("attempts") + 1,
            parse_started_at=timezone.now(),
        )
    )


def document_fail(*, document_id: int, error: str) -> None:
    Document.objects.filter(pk=document_id).update(
        status=Document.Status.FAILED, error=error, parse_finished_at=timezone.now()
    )


def document_parse(*, document_id: int, task_id: str) -> Document | None:
    """Parse a claimed document and record the outcome; returns None when it was not ours."""
    if not document_claim(document_id=document_id, task_id=task_id):
        return None
    document = Document.objects.get(pk=document_id)
    started = time.monotonic()
    try:
        probe = probe_pdf(document.file.path)
    except FileNotFoundError:
        document_fail(document_id=document_id, error="存储中找不到该文件，请重新上传。")
        return document
    except PdfUnreadable as exc:
        document_fail(document_id=document_id, error=str(exc))
        return document
    status = Document.Status.PARSED
    error = ""
    if len(probe.pages_without_text) == probe.page_count:
        status = Document.Status.NEEDS_OCR
        error = "PDF 没有文字层（可能是扫描件），需要先做 OCR 识别。"
    Document.objects.filter(pk=document_id).update(
        status=status,
        error=error,
        page_count=probe.page_count,
        title=probe.title,
        pages_without_text=probe.pages_without_text,
        parse_finished_at=timezone.now(),
        parse_seconds=round(time.monotonic() - started, 3),
    )
    document.refresh_from_db()
    return document


def documents_sweep_stale(*, now: Any = None) -> int:
    """Re-queue work that was lost: never sent (broker down) or taken by a worker that died."""
    now = now or timezone.now()
    queued_before = now - timedelta(seconds=settings.SWEEP_QUEUED_AFTER_SECONDS)
    parsing_before = now - timedelta(seconds=settings.SWEEP_PARSING_AFTER_SECONDS)
    stale = Document.objects.filter(
        Q(status=Document.Status.QUEUED, queued_at__lt=queued_before)
        | Q(status=Document.Status.PARSING, parse_started_at__lt=parsing_before)
    )
    count = 0
    for document in stale:
        if document.attempts >= settings.PARSE_MAX_ATTEMPTS:
            document_fail(
                document_id=document.pk,
                error=f"已尝试解析 {document.attempts} 次仍未完成（解析进程多次中断），请联系管理员。",
            )
            continue
        # Conditional, so a document finished meanwhile is left alone.
        with transaction.atomic():
            moved = Document.objects.filter(pk=document.pk, status=document.status).update(
                status=Document.Status.QUEUED, task_id="", queued_at=now
            )
            if moved:
                document_enqueue(document=document)
                count += 1
    return count
