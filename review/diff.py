"""What changed between two versions of a filing: rows added, removed and changed, table by table.

Pure functions over two ``budget-filing/1`` dicts. Rows are matched by their printed key
(a summary line's side and label, a functional code, a project's label, an indicator's
levels and name); a key printed twice is matched in order.

Fields are named as the filing's vocabulary names them (``initial.total`` is 年初预算数·合计)
and amounts are shown in the table's printed unit, as the tables show them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budget_filing.kinds import (
    COLUMN_SET_LABELS,
    FIELD_LABELS,
    FUNCTIONAL,
    FUND_LABELS,
    INCOME,
    SPLIT_LABELS,
    SUMMARY,
)
from budget_filing.units import known_unit

from .formatting import printed

IGNORED = {"page", "bbox"}
# an amount in the schema: yuan, two places
MONEY = re.compile(r"-?\d+\.\d{2}")
# the last part of a field's path that holds an amount (a column set, a split, a part of 资金总额)
AMOUNT_FIELDS = {*COLUMN_SET_LABELS, *SPLIT_LABELS, *FUND_LABELS}


@dataclass
class FieldChange:
    """One field of a row that differs: its Chinese name and both values as shown."""

    path: str
    label: str
    before: str | None
    after: str | None

    def __iter__(self) -> Iterator[str | None]:
        """(名称, before, after), as the fields' triples read before they had names."""
        return iter((self.label, self.before, self.after))


@dataclass
class RowEntry:
    """A row added or removed, with its amounts as shown (名称, value) so its weight can be read."""

    key: str
    amounts: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return self.key


@dataclass
class TableDiff:
    kind: str
    name: str
    unit: str = "元"
    added: list[RowEntry] = field(default_factory=list)
    removed: list[RowEntry] = field(default_factory=list)
    changed: list[tuple[str, list[FieldChange]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _table_name(table: dict[str, Any]) -> str:
    return table.get("project") or table.get("title") or table["kind"]


def _row_key(kind: str, row: dict[str, Any]) -> str:
    if kind == SUMMARY:
        return f"{'收入' if row.get('side') == INCOME else '支出'}·{row.get('label')}"
    if kind == FUNCTIONAL:
        return f"{row.get('code') or ''} {row.get('name')}".strip()
    if "level1" in row:
        name = (row.get("initial") or {}).get("name") or (row.get("adjusted") or {}).get("name")
        return f"{row.get('level1')}/{row.get('level2')}/{name}"
    return str(row.get("label") or row.get("name"))


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in IGNORED:
                out.update(_flatten(item, f"{prefix}.{key}" if prefix else key))
        return out
    return {prefix: value}


def field_label(path: str) -> str:
    """``initial.total`` → 年初预算数·合计, ``funds.adjusted.fiscal`` → 调整预算数·财政拨款.

    A grid's ``values.<column>`` is named by its printed column; a part we have no name for
    is shown as it is.
    """
    if path.startswith("values."):
        return path.removeprefix("values.")
    parts = path.split(".")
    funds = parts[0] == "funds"
    names = []
    for part in parts[1:] if funds else parts:
        label = (
            COLUMN_SET_LABELS.get(part)
            or (FUND_LABELS.get(part) if funds else SPLIT_LABELS.get(part))
            or FIELD_LABELS.get(part)
        )
        names.append(label or part)
    return "·".join(names)


def _is_amount(path: str, value: Any) -> bool:
    leaf = path.rsplit(".", 1)[-1]
    return (
        isinstance(value, str)
        and MONEY.fullmatch(value) is not None
        and (path.startswith("values.") or (leaf in AMOUNT_FIELDS and not path.startswith("goals")))
    )


def shown(path: str, value: Any, unit: str) -> str | None:
    """A field's value as the page shows it: an amount in ``unit`` with the unit, a list joined."""
    if value is None or value == "":
        return None
    if _is_amount(path, value):
        return f"{printed(Decimal(value), unit)} {unit}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _keyed(kind: str, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    seen: Counter[str] = Counter()
    keyed = {}
    for row in rows:
        key = _row_key(kind, row)
        seen[key] += 1
        keyed[key if seen[key] == 1 else f"{key} #{seen[key]}"] = _flatten(row)
    return keyed


def _entry(key: str, fields: dict[str, Any], unit: str, *, amounts: bool) -> RowEntry:
    entry = RowEntry(key)
    if amounts:
        entry.amounts = [
            (field_label(path), shown(path, value, unit) or "")
            for path, value in fields.items()
            if _is_amount(path, value)
        ]
    return entry


def _changes(before: dict[str, Any], after: dict[str, Any], unit: str) -> list[FieldChange]:
    return [
        FieldChange(f, field_label(f), shown(f, before.get(f), unit), shown(f, after.get(f), unit))
        for f in sorted(set(before) | set(after))
        if before.get(f) != after.get(f)
    ]


def _tables(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(t["kind"], _table_name(t)): t for t in doc.get("tables", [])}


def filing_diff(old: dict[str, Any], new: dict[str, Any]) -> list[TableDiff]:
    old_tables, new_tables = _tables(old), _tables(new)
    diffs = []
    for key in [*new_tables, *(k for k in old_tables if k not in new_tables)]:
        kind, name = key
        unit = known_unit((new_tables.get(key) or old_tables[key]).get("unit"))
        diff = TableDiff(kind, name, unit)
        if key not in old_tables:
            diff.added.append(RowEntry("（整张表为新增）"))
        elif key not in new_tables:
            diff.removed.append(RowEntry("（整张表已删除）"))
        else:
            for part in ("rows", "indicators"):
                before = _keyed(kind, old_tables[key].get(part) or [])
                after = _keyed(kind, new_tables[key].get(part) or [])
                rows = part == "rows"  # an indicator's figures are text (≥760次), not amounts
                diff.added += [_entry(k, after[k], unit, amounts=rows) for k in after if k not in before]
                diff.removed += [_entry(k, before[k], unit, amounts=rows) for k in before if k not in after]
                for row_key in (k for k in after if k in before):
                    fields = _changes(before[row_key], after[row_key], unit)
                    if fields:
                        diff.changed.append((row_key, fields))
            head_before = {
                k: v
                for k, v in _flatten(old_tables[key]).items()
                if not k.startswith(("rows", "indicators")) and k != "pages"
            }
            head_after = {
                k: v
                for k, v in _flatten(new_tables[key]).items()
                if not k.startswith(("rows", "indicators")) and k != "pages"
            }
            head = _changes(head_before, head_after, unit)
            if head:
                diff.changed.append(("（表头）", head))
        if not diff.empty:
            diffs.append(diff)
    return diffs
