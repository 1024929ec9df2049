"""What OCR read, attached to the parsed tables: `table["ocr"]`, one entry per value cell.

The builders turn cell texts into fields without knowing where a text came from; rather
than teach every builder about OCR, each parsed row is matched back to the cells read in
its band of the page (rows and indicators carry `page` and `bbox`): a field's value is the
amount (or text) of exactly one of those cells, taken left to right, so the cell that gave
it is found again. A value cell that gave no value (a dash, or figures that are no amount)
goes to a blank field of its row, between the fields matched left and right of it: a
misread figure is listed, with its doubt, where it should have been.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from budget_filing.kinds import COLUMN_SETS
from budget_filing.text import nfkc, squash

from ..amounts import yuan
from .cells import CellRead

_SPLITS = ("total", "basic", "project")
_SIDES = ("initial", "adjusted")


def _fields(kind: str, row: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    """A row's value fields in printed order: (cell path, value, is an amount)."""
    if "values" in row:
        return [(f"values.{k}", v, True) for k, v in (row.get("values") or {}).items()]
    if "level1" in row:  # an indicator
        return [
            (f"{s}.value", (row.get(s) or {}).get("value"), False) for s in _SIDES if row.get(s) is not None
        ]
    out: list[tuple[str, Any, bool]] = []
    for cols in COLUMN_SETS:
        value = row.get(cols)
        if isinstance(value, dict):
            out.extend((f"{cols}.{s}", value.get(s), True) for s in _SPLITS if s in value)
        elif cols in row:
            out.append((cols, value, True))
    return out


def _same(read: CellRead, value: Any, amount: bool, unit: str) -> bool:
    if value is None:
        return False
    if not amount:
        return squash(nfkc(read.text)) == squash(nfkc(str(value)))
    got = yuan(read.text, unit)
    try:
        return got is not None and Decimal(got) == Decimal(str(value))
    except InvalidOperation:
        return False


def _entry(row: int | None, field: str, read: CellRead) -> dict[str, Any]:
    return {
        "row": row,
        "field": field,
        "text": read.text,
        "confidence": read.confidence,
        "page": read.page,
        "bbox": read.bbox,
    }


def _in_band(read: CellRead, bbox: list[float]) -> bool:
    x0, top, x1, bottom = bbox
    cx = (read.bbox[0] + read.bbox[2]) / 2
    return x0 - 1 <= cx <= x1 + 1 and top - 1 <= read.bbox[1] < bottom - 1


def _exact(
    fields: list[tuple[str, Any, bool]], reads: list[CellRead], unit: str, used: set[int]
) -> dict[int, CellRead]:
    """Field index -> the cell whose text gives exactly that field's value."""
    at: dict[int, CellRead] = {}
    for fi, (_, value, amount) in enumerate(fields):
        for r in sorted(reads, key=lambda r: r.bbox[0]):
            if id(r) not in used and _same(r, value, amount, unit):
                at[fi] = r
                used.add(id(r))
                break
    return at


def _fill(
    at: dict[int, CellRead], fields: list[tuple[str, Any, bool]], reads: list[CellRead], used: set[int]
) -> None:
    """A value cell no field took goes to a blank amount field between the fields matched around it."""
    for r in sorted(reads, key=lambda r: r.bbox[0]):
        if id(r) in used or not (r.amount or not r.text):
            continue
        cx = (r.bbox[0] + r.bbox[2]) / 2
        left = max((fi for fi, m in at.items() if m.bbox[2] <= cx), default=-1)
        right = min((fi for fi, m in at.items() if m.bbox[0] >= cx), default=len(fields))
        free = [
            fi for fi in range(left + 1, right) if fi not in at and fields[fi][1] is None and fields[fi][2]
        ]
        if free:
            at[free[0]] = r
            used.add(id(r))


def _match_row(
    index: int | None, fields: list[tuple[str, Any, bool]], reads: list[CellRead], unit: str, used: set[int]
) -> list[dict[str, Any]]:
    at = _exact(fields, reads, unit, used)
    _fill(at, fields, reads, used)
    return [_entry(index, fields[fi][0], r) for fi, r in sorted(at.items())]


def _funds(table: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    out: list[tuple[str, Any, bool]] = []
    for side, parts in (table.get("funds") or {}).items():
        for key, value in (parts or {}).items():
            out.append((f"funds.{side}.{key}", value, True))
    return out


def attach(tables: list[dict[str, Any]], reads: list[CellRead]) -> None:
    """Give every table printed on a scanned page its `ocr` list."""
    if not reads:
        return
    by_page: dict[int, list[CellRead]] = {}
    for r in reads:
        by_page.setdefault(r.page, []).append(r)
    for table in tables:
        pages = [p for p in table.get("pages") or [] if p in by_page]
        if not pages:
            continue
        unit = table.get("unit") or "元"
        used: set[int] = set()
        entries: list[dict[str, Any]] = []
        # Two passes: every row takes the cells that give its values first, and only then are
        # the cells left over put in blank fields. In one pass, an income row of a 收支总表
        # (whose band spans both panels) took the expense cell beside its blank as its own, and
        # the expense row, matched later, lost its cell and with it the cell's doubt.
        matched = []
        for key in ("rows", "indicators"):
            for i, row in enumerate(table.get(key) or []):
                page, bbox = row.get("page"), row.get("bbox")
                if page not in by_page or not bbox:
                    continue
                band = [r for r in by_page[page] if _in_band(r, bbox)]
                fields = _fields(table["kind"], row)
                matched.append((i, fields, band, _exact(fields, band, unit, used)))
        for i, fields, band, at in matched:
            _fill(at, fields, band, used)
            entries.extend(_entry(i, fields[fi][0], r) for fi, r in sorted(at.items()))
        funds = _funds(table)
        if funds:
            rest = [r for p in pages for r in by_page[p] if id(r) not in used and r.amount]
            for e in _match_row(None, funds, rest, unit, used):
                if any(f[0] == e["field"] and f[1] is not None for f in funds):
                    entries.append(e)
        table["ocr"] = entries
