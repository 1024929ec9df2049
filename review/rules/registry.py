"""The rule registry: every rule's id, anomaly class, severity and check.

Rule modules register themselves with `@rule(...)` at import time; the package
`__init__` imports them in a fixed order, so findings come out in a stable
order run after run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .model import Filing, Finding, Hit, Severity

Check = Callable[[Filing], Iterable[Hit]]

# Classes of SCHEMA.md's anomaly table; anything else is a warning of our own
# and must not collide with these (the scorer counts only these).
SCHEMA_CLASSES = frozenset(
    {
        "change_mismatch",
        "split_mismatch",
        "sum_mismatch",
        "balance_mismatch",
        "cross_table_mismatch",
        "duplicate_entry",
        "missing_indicator",
        "cost_exceeds_funds",
        "targets_without_funds",
        "indicator_value_invalid",
        "stale_deadline",
        "missing_table",
        "note_mismatch",
        "narrative_mismatch",
        "narrative_logic",
        "year_mismatch",
        "template_remnant",
    }
)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    anomaly_class: str
    severity: Severity
    title: str
    check: Check

    def run(self, filing: Filing) -> list[Finding]:
        # a grid's findings name it `grid:<role>` (SCHEMA.md)
        kinds = {t.index: t.finding_kind for t in filing.tables}
        return [
            Finding(
                rule_id=self.rule_id,
                anomaly_class=self.anomaly_class,
                severity=self.severity,
                table_kind=hit.table_kind or kinds.get(hit.table_index, ""),
                table_index=hit.table_index,
                key=hit.key,
                row_index=hit.row_index,
                cells=tuple(hit.cells),
                message=hit.message,
                printed=hit.printed,
                expected=hit.expected,
                detail=hit.detail,
                page=hit.page,
                bbox=hit.bbox,
            )
            for hit in self.check(filing)
        ]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, anomaly_class: str, severity: Severity, title: str) -> Callable[[Check], Check]:
    """Register `check` under `rule_id`; ids must be unique."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"rule id registered twice: {rule_id}")
        RULES[rule_id] = Rule(rule_id, anomaly_class, severity, title, check)
        return check

    return register
