"""What a rule reports, and the read-only view of a filing rules work on.

`Finding` is the detailed, per-cell record the review UI shows; `Hit` is what
a rule function yields before the registry stamps its id, class and severity
on it, so a rule cannot report under somebody else's id by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any

from budget_filing.kinds import (
    BASIC,
    DEPARTMENT_PERFORMANCE,
    FISCAL,
    FUND_LABELS,
    GRID,
    NON_FISCAL,
    OTHER_FUNDS,
    PROJECT_PART,
    PROJECT_PERFORMANCE,
)
from budget_filing.text import squash

from . import amounts

# The key of a department_performance table's anomalies (SCHEMA.md).
DEPARTMENT_KEY = "部门整体"
# What a target table's 资金总额 is the sum of, by kind, with the names shown to reviewers.
FUND_PARTS: dict[str, tuple[tuple[str, str], ...]] = {
    PROJECT_PERFORMANCE: tuple((p, FUND_LABELS[p]) for p in (FISCAL, NON_FISCAL)),
    DEPARTMENT_PERFORMANCE: tuple((p, FUND_LABELS[p]) for p in (BASIC, PROJECT_PART, OTHER_FUNDS)),
}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Hit:
    """One breach as a rule function sees it (rule metadata is added later)."""

    table_index: int
    key: str
    message: str
    row_index: int | None = None
    cells: tuple[str, ...] = ()
    printed: Decimal | str | None = None
    expected: Decimal | str | None = None
    detail: str = ""
    # A finding in the 说明 has no table: it names its kind ("narrative"), its page and box.
    table_kind: str = ""
    page: int | None = None
    bbox: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Finding:
    """One rule breach on one place of a filing.

    `table_index` indexes `doc["tables"]`; `row_index` indexes that table's
    `rows` or `indicators` (None for table-level fields such as `funds`);
    `cells` names the fields involved (`"initial.total"`, `"change"`,
    `"funds.adjusted.total"`).  `printed`/`expected` are yuan Decimals for
    amounts, text for everything else.  `cells` is a tuple so a Finding stays
    hashable; `as_dict()` gives plain JSON types.  A finding in the 说明 has
    `table_kind` "narrative", `table_index` -1 and the paragraph's `page`/`bbox`.
    """

    rule_id: str
    anomaly_class: str
    severity: Severity
    table_kind: str
    table_index: int
    key: str
    row_index: int | None
    cells: tuple[str, ...]
    message: str
    printed: Decimal | str | None
    expected: Decimal | str | None
    detail: str
    page: int | None = None
    bbox: tuple[float, ...] | None = None

    def as_dict(self) -> dict[str, Any]:
        def plain(v: Decimal | str | None) -> str | None:
            return None if v is None else str(v)

        return {
            "rule_id": self.rule_id,
            "class": self.anomaly_class,
            "severity": str(self.severity),
            "table": self.table_kind,
            "table_index": self.table_index,
            "key": self.key,
            "row_index": self.row_index,
            "cells": list(self.cells),
            "message": self.message,
            "printed": plain(self.printed),
            "expected": plain(self.expected),
            "detail": self.detail,
            "page": self.page,
            "bbox": None if self.bbox is None else list(self.bbox),
        }


@dataclass(frozen=True)
class Table:
    """One entry of `doc["tables"]` with its index and printed unit at hand."""

    index: int
    data: Mapping[str, Any]

    @property
    def kind(self) -> str:
        return str(self.data.get("kind") or "")

    @property
    def unit(self) -> str | None:
        unit = self.data.get("unit")
        return str(unit) if unit is not None else None

    @property
    def target_key(self) -> str:
        """A target table's anomaly key: its project, or 部门整体 for the department's."""
        if self.kind == DEPARTMENT_PERFORMANCE:
            return DEPARTMENT_KEY
        return squash(self.data.get("project"))

    @property
    def step(self) -> Decimal:
        return amounts.step(self.unit)

    @property
    def role(self) -> str:
        return str(self.data.get("role") or "")

    @property
    def finding_kind(self) -> str:
        """What a finding on this table names as its table: the kind, `grid:<role>` for a grid."""
        return f"{GRID}:{self.role}" if self.kind == GRID else self.kind

    @cached_property
    def printed_step(self) -> Decimal:
        """The step the table was printed in: its unit's, or 1 元 when every amount is whole."""
        return amounts.printed_step(self.unit, _amounts_in(self.data.get("rows") or self.data.get("funds")))

    @cached_property
    def rows(self) -> list[Mapping[str, Any]]:
        # read on every row of every rule's loop: filtered once per run (a Filing is built per run)
        rows = self.data.get("rows")
        return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []

    @cached_property
    def indicators(self) -> list[Mapping[str, Any]]:
        items = self.data.get("indicators")
        if not isinstance(items, list):
            return []
        return [i for i in items if isinstance(i, Mapping)]

    def fmt(self, amount: Decimal | None) -> str:
        return amounts.fmt(amount, self.unit)

    def fmt_unit(self, amount: Decimal | None) -> str:
        return amounts.fmt_unit(amount, self.unit)


@dataclass
class Filing:
    """The document plus lookups several rules share; built once per run."""

    doc: Mapping[str, Any]
    tables: list[Table] = field(init=False)

    def __post_init__(self) -> None:
        raw = self.doc.get("tables")
        items = raw if isinstance(raw, list) else []
        self.tables = [Table(i, t) for i, t in enumerate(items) if isinstance(t, Mapping)]

    @cached_property
    def year(self) -> int | None:
        try:
            return int(self.doc.get("year"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None

    def of_kind(self, kind: str) -> Iterator[Table]:
        return (t for t in self.tables if t.kind == kind)

    def first(self, kind: str) -> Table | None:
        return next(self.of_kind(kind), None)


# An amount as the format writes it (SCHEMA.md: yuan, two places); text columns are no amounts.
AMOUNT_TEXT = re.compile(r"^-?\d+\.\d{2}$")


def _amounts_in(obj: Any) -> Iterator[Decimal]:
    """Every amount string anywhere under `obj` (rows, their column sets, a grid's values)."""
    if isinstance(obj, str):
        if AMOUNT_TEXT.match(obj):
            yield Decimal(obj)
    elif isinstance(obj, Mapping):
        for key, value in obj.items():
            if key not in ("bbox", "page", "code"):
                yield from _amounts_in(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _amounts_in(value)


def dig(obj: Any, path: str) -> Any:
    """obj["a"]["b"] for "a.b"; None where anything on the way is missing."""
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, Mapping) else None
    return obj


def amount_at(obj: Any, path: str) -> Decimal | None:
    return amounts.to_decimal(dig(obj, path))
