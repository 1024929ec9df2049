"""Reads of the review app."""

from __future__ import annotations

from typing import Any

from filings.models import Filing

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
