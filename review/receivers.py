"""Signal receivers: a stored parse is checked by the rules as soon as it is committed.

The rules take milliseconds, so they run right there in the worker that parsed the
filing, with nothing to lose between two tasks; ``manage.py check_filing`` re-runs them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from filings.signals import filing_parsed

logger = logging.getLogger(__name__)


@receiver(filing_parsed)
def check_after_parse(sender: Any, filing: Any, **kwargs: Any) -> None:
    from .services import filing_check

    def check() -> None:
        try:
            filing_check(filing=filing)
        except Exception:
            # The parse itself is stored and stays good; the findings can be re-run.
            logger.exception("rules failed on filing %s; run manage.py check_filing %s", filing.pk, filing.pk)

    transaction.on_commit(check)
