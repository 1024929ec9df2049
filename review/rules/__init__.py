"""Anomaly rules over a `budget-filing/1` document.

Pure functions of the document: no database, no Django, so they run the same
in a web request, a management command, a test or a benchmark.

    from review.rules import run_rules, to_anomalies_json
    findings = run_rules(doc)              # every breach, cell by cell, for the UI
    report = to_anomalies_json(findings)   # budget-anomalies/1, one per (class, table, key)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from budget_filing import ANOMALY_SCHEMA

# Rule modules register on import; this order is the order findings come in.
from . import arithmetic, cross_table, duplicates, grids, indicators, narrative, package  # noqa: F401
from .model import Filing, Finding, Severity
from .registry import RULES, SCHEMA_CLASSES, Rule

__all__ = [
    "ANOMALY_SCHEMA",
    "RULES",
    "SCHEMA_CLASSES",
    "Finding",
    "Rule",
    "Severity",
    "run_rules",
    "to_anomalies_json",
]


def run_rules(doc: Mapping[str, Any], rule_ids: Iterable[str] | None = None) -> list[Finding]:
    """Every finding of every registered rule (or of `rule_ids`) on `doc`."""
    filing = Filing(doc)
    selected = RULES.values() if rule_ids is None else [RULES[r] for r in rule_ids]
    findings: list[Finding] = []
    for r in selected:
        findings.extend(r.run(filing))
    return findings


def to_anomalies_json(findings: Iterable[Finding]) -> dict[str, Any]:
    """`budget-anomalies/1`: one anomaly per (class, table kind, key).

    Several findings about one row (two columns, two rules of one class) are
    one anomaly, as SCHEMA.md counts them; its `detail` joins theirs.  Classes
    of our own (warnings outside SCHEMA.md's table) are kept: the scorer lists
    them as ignored.
    """
    grouped: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        grouped.setdefault((f.anomaly_class, f.table_kind, f.key), []).append(f)
    anomalies = []
    for (cls, table, key), group in grouped.items():
        details = list(dict.fromkeys(f.detail or f.message for f in group))
        anomalies.append(
            {
                "class": cls,
                "table": table,
                "key": key,
                "severity": str(max((f.severity for f in group), key=_severity_rank)),
                "detail": "; ".join(details),
            }
        )
    return {"schema": ANOMALY_SCHEMA, "anomalies": anomalies}


def _severity_rank(severity: Severity) -> int:
    return {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}[severity]
