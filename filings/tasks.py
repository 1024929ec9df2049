"""Celery tasks: thin wrappers that take ids, call a service and let Celery retry outages."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from . import services

logger = logging.getLogger(__name__)

# Outages, not bad input: only these are worth another try.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError, RedisConnectionError)


# A parse, of a text PDF or by OCR of a scan: acknowledged when done (a worker that dies leaves
# it queued), retried on outages only.
PARSE_TASK = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 10,
}


@shared_task(**PARSE_TASK)
def parse_document(self, document_id: int) -> str:  # type: ignore[no-untyped-def]
    return _parse(document_id, self.request.id or "", ocr=False)


# A scan is read page by page by OCR: limits of its own, on a queue of its own (config/celery.py).
@shared_task(
    **PARSE_TASK, soft_time_limit=settings.OCR_SOFT_TIME_LIMIT, time_limit=settings.OCR_HARD_TIME_LIMIT
)
def ocr_document(self, document_id: int) -> str:  # type: ignore[no-untyped-def]
    return _parse(document_id, self.request.id or "", ocr=True)


def _parse(document_id: int, task_id: str, *, ocr: bool) -> str:
    try:
        document = services.document_parse(document_id=document_id, task_id=task_id, ocr=ocr)
    except TRANSIENT_ERRORS:
        raise
    except SoftTimeLimitExceeded:
        what = "识别超时：扫描件页数过多或过于复杂" if ocr else "解析超时：文件过大或过于复杂"
        services.document_fail(document_id=document_id, error=f"{what}，已停止解析。")
        return "timeout"
    except Exception as exc:
        # A parser bug must not leave the document spinning in `parsing` for ever.
        logger.exception("parse of document %s crashed", document_id)
        services.document_fail(
            document_id=document_id,
            error=f"解析程序出错（{type(exc).__name__}），已记录，请联系管理员。",
        )
        return "crashed"
    return document.status if document else "skipped"


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, max_retries=3, retry_backoff=True)
def sweep_stale_documents() -> int:
    return services.documents_sweep_stale()
