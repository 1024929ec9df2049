"""What changed between two versions of a filing: rows added, removed and changed, table by table.

Pure functions over two ``budget-filing/1`` dicts. Rows are matched by their printed key
(a summary line's side and label, a functional code, a project's label, an indicator's
levels and name); a key printed twice is matched in order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from budget_filing.kinds import FUNCTIONAL, INCOME, SUMMARY

IGNORED = {"page", "bbox"}


@dataclass
class TableDiff:
    kind: str
    name: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[tuple[str, Any, Any]]]] = field(default_factory=list)

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


def _keyed(kind: str, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    seen: Counter[str] = Counter()
    keyed = {}
    for row in rows:
        key = _row_key(kind, row)
        seen[key] += 1
        keyed[key if seen[key] == 1 else f"{key} #{seen[key]}"] = _flatten(row)
    return keyed


def _tables(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(t["kind"], _table_name(t)): t for t in doc.get("tables", [])}


def filing_diff(old: dict[str, Any], new: dict[str, Any]) -> list[TableDiff]:
    old_tables, new_tables = _tables(old), _tables(new)
    diffs = []
    for key in [*new_tables, *(k for k in old_tables if k not in new_tables)]:
        kind, name = key
        diff = TableDiff(kind, name)
        if key not in old_tables:
            diff.added.append("（整张表为新增）")
        elif key not in new_tables:
            diff.removed.append("（整张表已删除）")
        else:
            for part in ("rows", "indicators"):
                before = _keyed(kind, old_tables[key].get(part) or [])
                after = _keyed(kind, new_tables[key].get(part) or [])
                diff.added += [k for k in after if k not in before]
                diff.removed += [k for k in before if k not in after]
                for row_key in (k for k in after if k in before):
                    fields = [
                        (f, before[row_key].get(f), after[row_key].get(f))
                        for f in sorted(set(before[row_key]) | set(after[row_key]))
                        if before[row_key].get(f) != after[row_key].get(f)
                    ]
                    if fields:
                        diff.changed.append((row_key, fields))
            head_before = {
                k: v for k, v in _flatten(old_tables[key]).items() if not k.startswith(("rows", "indicators"))
            }
            head_after = {
                k: v for k, v in _flatten(new_tables[key]).items() if not k.startswith(("rows", "indicators"))
            }
            head = [
                (f, head_before.get(f), head_after.get(f))
                for f in sorted(set(head_before) | set(head_after))
                if f != "pages" and head_before.get(f) != head_after.get(f)
            ]
            if head:
                diff.changed.append(("（表头）", head))
        if not diff.empty:
            diffs.append(diff)
    return diffs
