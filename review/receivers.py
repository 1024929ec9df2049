"""Signal receivers: a stored parse is checked by the rules in the transaction that stores it,
and a re-parse's rewritten tables keep the flags reviewers put on them.

The rules take milliseconds, so they run right there in the worker that parsed the
filing, with nothing to lose between two tasks; ``manage.py check_filing`` re-runs them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from filings.signals import filing_parsed, tables_replacing

logger = logging.getLogger(__name__)


@receiver(tables_replacing)
def flags_follow_their_table(
    sender: Any, filing: Any, document: Any, places: dict[int, str], **kwargs: Any
) -> Any:
    """A re-parse deletes a document's tables: its flags move to the table read at the same place.

    A flag whose table is no longer read stays, on no table, with the table's title; it is
    saved so the history records that it lost its table. Never deleted: a reviewer's mark and
    its comments outlive any re-parse.
    """
    from .models import Flag

    flags = list(Flag.objects.filter(table_id__in=places).select_related("table"))
    if not flags:
        return None

    def follow(new_places: dict[str, int]) -> None:
        for flag in flags:
            table_id = new_places.get(places[flag.table_id])
            if table_id is not None:
                Flag.objects.filter(pk=flag.pk).update(table_id=table_id)
            else:
                title = flag.table.title[:500]
                flag.table, flag.table_title = None, title
                flag._change_reason = "重新解析后未再读到该表"  # type: ignore[attr-defined]
                flag.save(update_fields=["table", "table_title"])

    return follow


@receiver(filing_parsed)
def check_after_parse(sender: Any, filing: Any, **kwargs: Any) -> None:
    """Run the rules in the transaction that stored the parse, under its lock on the filing.

    Not on commit: a sign-off waiting for that lock would otherwise count the open errors
    before the joining document's findings exist.
    """
    from .services import filing_check

    try:
        # A savepoint: rules that fail roll back only their own writes.
        with transaction.atomic():
            filing_check(filing=filing)
    except Exception:
        # The parse itself is stored and stays good; the findings can be re-run.
        logger.exception("rules failed on filing %s; run manage.py check_filing %s", filing.pk, filing.pk)
