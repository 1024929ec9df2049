"""Reads of the review app."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from filings.models import Filing, ParsedTable

from .access import filings_visible_to
from .models import Decision, Finding, Severity
from .rules import ANOMALY_SCHEMA

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def filing_anomalies(filing: Filing) -> dict[str, Any]:
    """The stored findings as ``budget-anomalies/1``: one anomaly per (class, table, key)."""
    anomalies: dict[tuple[str, str, str], dict[str, Any]] = {}
    for finding in filing.findings.order_by("id"):
        entry = anomalies.setdefault(
            (finding.anomaly_class, finding.table_kind, finding.key),
            {
                "class": finding.anomaly_class,
                "table": finding.table_kind,
                "key": finding.key,
                "severity": finding.severity,
                "details": [],
            },
        )
        if SEVERITY_RANK[finding.severity] > SEVERITY_RANK[entry["severity"]]:
            entry["severity"] = finding.severity
        detail = finding.detail or finding.message
        if detail not in entry["details"]:
            entry["details"].append(detail)
    return {
        "schema": ANOMALY_SCHEMA,
        "anomalies": [
            {k: v for k, v in a.items() if k != "details"} | {"detail": "; ".join(a["details"])}
            for a in anomalies.values()
        ],
    }


def dashboard_filings(user: Any) -> QuerySet[Filing]:
    """The filings a user may see, with open findings by severity and open flags counted in SQL."""
    open_findings = Q(findings__decision=Decision.OPEN)
    return (
        filings_visible_to(user)
        .select_related("department", "reviewer")
        .annotate(
            open_errors=Count(
                "findings", filter=open_findings & Q(findings__severity=Severity.ERROR), distinct=True
            ),
            open_warnings=Count(
                "findings", filter=open_findings & Q(findings__severity=Severity.WARNING), distinct=True
            ),
            open_infos=Count(
                "findings", filter=open_findings & Q(findings__severity=Severity.INFO), distinct=True
            ),
            open_flags=Count("flags", filter=Q(flags__decision=Decision.OPEN), distinct=True),
        )
    )


def visible_filing(user: Any, pk: int) -> Filing:
    return get_object_or_404(filings_visible_to(user).select_related("department", "reviewer"), pk=pk)


def filing_table_list(filing: Filing) -> list[ParsedTable]:
    return list(
        filing.tables.order_by("document__uploaded_at", "document_id", "position").select_related("target")
    )


def table_findings(filing: Filing) -> dict[int | None, list[Finding]]:
    by_table: dict[int | None, list[Finding]] = {}
    for finding in filing.findings.all():
        by_table.setdefault(finding.table_id, []).append(finding)
    return by_table


def previous_year_filing(filing: Filing) -> Filing | None:
    return (
        Filing.objects.filter(department=filing.department_id, year=filing.year - 1)
        .exclude(tables=None)
        .order_by("-stage", "-version")
        .first()
    )
