"""Celery tasks of the review app: thin, by id."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from filings.models import Filing

from . import services


@shared_task(
    acks_late=True, autoretry_for=(OperationalError, InterfaceError), retry_backoff=2, max_retries=10
)
def check_filing(filing_id: int) -> int:
    filing = Filing.objects.select_related("department").filter(pk=filing_id).first()
    if filing is None:  # deleted meanwhile: nothing to check
        return 0
    return len(services.filing_check(filing=filing))
