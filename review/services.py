"""Writes of the review app: running the rules on a filing and storing what they find."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from filings.interchange import filing_tables, filing_to_dict
from filings.models import Filing

from .models import Finding
from .rules import Finding as RuleFinding
from .rules import run_rules


def place_of(finding: RuleFinding) -> str:
    """Where a finding stands, stable across re-runs as long as the same rule breaks at the same cells."""
    row = "" if finding.row_index is None else str(finding.row_index)
    return "|".join([finding.rule_id, finding.table_kind, finding.key, row, ",".join(finding.cells)])


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def filing_check(*, filing: Filing) -> list[Finding]:
    """Run every rule on the stored filing; replace its findings, keeping decisions still in place."""
    tables = filing_tables(filing)
    found = run_rules(filing_to_dict(filing, tables=tables))
    with transaction.atomic():
        # Lock the filing so two runs for it cannot interleave their delete and insert.
        Filing.objects.select_for_update().filter(pk=filing.pk).first()
        decided = {
            f.place: f for f in Finding.objects.filter(filing=filing).exclude(decision=Finding.Decision.OPEN)
        }
        Finding.objects.filter(filing=filing).delete()
        rows = []
        for rule_finding in found:
            place = place_of(rule_finding)
            previous = decided.get(place)
            rows.append(
                Finding(
                    filing=filing,
                    table=tables[rule_finding.table_index]
                    if rule_finding.table_index < len(tables)
                    else None,
                    rule_id=rule_finding.rule_id,
                    anomaly_class=rule_finding.anomaly_class,
                    severity=str(rule_finding.severity),
                    table_kind=rule_finding.table_kind,
                    key=rule_finding.key[:500],
                    row_position=rule_finding.row_index,
                    cells=list(rule_finding.cells),
                    message=rule_finding.message,
                    printed=_text(rule_finding.printed)[:300],
                    expected=_text(rule_finding.expected)[:300],
                    detail=rule_finding.detail,
                    place=place[:700],
                    decision=previous.decision if previous else Finding.Decision.OPEN,
                    reason=previous.reason if previous else "",
                    decided_by=previous.decided_by if previous else None,
                    decided_at=previous.decided_at if previous else None,
                )
            )
        return Finding.objects.bulk_create(rows)
