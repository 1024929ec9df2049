"""Between the ``budget-filing/1`` dict (tests/corpus/SCHEMA.md) and the parsed-table models.

The functions here turn one parsed table into unsaved model instances; ``filing_to_dict``
writes what is stored back in the interchange format, so the database can be scored too.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db.models import prefetch_related_objects

from budget_filing.kinds import (
    COLUMN_SETS,
    DEPARTMENT_FUND_PARTS,
    PROJECT_FUND_PARTS,
    SPLITS,
    TARGET_SIDES,
)

from .models import (
    Filing,
    FunctionalLine,
    GridCell,
    GridRow,
    Indicator,
    ParsedTable,
    PerformanceTarget,
    ProjectLine,
    SummaryLine,
)
from .models.tables import FUND_PARTS, TableKind
from .parsing import parse_indicator_value
from .selectors import filing_documents

SIDES = TARGET_SIDES
SPLIT = SPLITS
PROJECT_FUNDS = PROJECT_FUND_PARTS
DEPARTMENT_FUNDS = DEPARTMENT_FUND_PARTS


def money(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def money_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# A grid value is an amount when it is written as one (SCHEMA.md: two-place yuan), and small
# enough for Decimal(18, 2); anything else is text as printed (采购方式, a quantity "2").
GRID_AMOUNT = re.compile(r"-?\d{1,16}\.\d{2}")


def _source(row: dict[str, Any], position: int) -> dict[str, Any]:
    bbox = row.get("bbox")
    return {"position": position, "page": row.get("page"), "bbox": list(bbox) if bbox else None}


def table_from_dict(*, filing: Filing, document_id: int, position: int, data: dict[str, Any]) -> ParsedTable:
    return ParsedTable(
        filing=filing,
        document_id=document_id,
        position=position,
        kind=data["kind"],
        title=data.get("title") or "",
        subtitle=data.get("subtitle") or "",
        unit=data.get("unit") or "元",
        pages=list(data.get("pages") or []),
        role=data.get("role") or "",
        columns=grid_columns(data),
        note=data.get("note") or "",
    )


def grid_columns(data: dict[str, Any]) -> list[str]:
    """A grid's value columns; a value under a column the list lacks adds it, so nothing is lost."""
    if data.get("kind") != TableKind.GRID:
        return []
    columns = list(data.get("columns") or [])
    known = set(columns)
    for row in data.get("rows") or []:
        for path in row.get("values") or {}:
            if path not in known:
                known.add(path)
                columns.append(path)
    return columns


def grid_value(value: Any) -> dict[str, Any]:
    """A GridCell's amount and text for one value of a row's ``values``."""
    if value is None or value == "":
        return {"amount": None, "text": ""}
    if isinstance(value, str):
        return (
            {"amount": Decimal(value), "text": ""}
            if GRID_AMOUNT.fullmatch(value)
            else {"amount": None, "text": value}
        )
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return {"amount": Decimal(value).quantize(Decimal("0.01")), "text": ""}
    return {"amount": None, "text": str(value)}


def grid_lines(table: ParsedTable, data: dict[str, Any]) -> tuple[list[GridRow], list[GridCell]]:
    """A grid's rows, and their cells (pointing at the unsaved rows: save the rows first)."""
    position_of = {path: i for i, path in enumerate(table.columns)}
    rows, cells = [], []
    for i, row in enumerate(data.get("rows") or []):
        line = GridRow(
            table=table,
            side=row.get("side") or "",
            code=row.get("code") or "",
            label=row.get("label") or "",
            **_source(row, i),
        )
        rows.append(line)
        cells += [
            GridCell(row=line, column=position_of[path], **grid_value(value))
            for path, value in (row.get("values") or {}).items()
        ]
    return rows, cells


def summary_lines(table: ParsedTable, data: dict[str, Any]) -> list[SummaryLine]:
    return [
        SummaryLine(
            table=table,
            side=row["side"],
            label=row.get("label") or "",
            **{col: money(row.get(col)) for col in COLUMN_SETS},
            **_source(row, i),
        )
        for i, row in enumerate(data.get("rows", []))
    ]


def functional_lines(table: ParsedTable, data: dict[str, Any]) -> list[FunctionalLine]:
    lines = []
    for i, row in enumerate(data.get("rows", [])):
        amounts = {
            f"{col}_{part}": money((row.get(col) or {}).get(part)) for col in COLUMN_SETS for part in SPLIT
        }
        code = row.get("code") or ""
        lines.append(
            FunctionalLine(
                table=table,
                code=code,
                name=row.get("name") or "",
                level=FunctionalLine.level_for(code),
                **amounts,
                **_source(row, i),
            )
        )
    return lines


def link_functional_parents(lines: list[FunctionalLine]) -> list[FunctionalLine]:
    """Point each saved line at the nearest line above it whose code is its code's prefix."""
    latest: dict[str, FunctionalLine] = {}
    changed = []
    for line in lines:
        if line.code:
            for prefix_len in (5, 3):
                parent = latest.get(line.code[:prefix_len]) if len(line.code) > prefix_len else None
                if parent is not None:
                    line.parent = parent
                    changed.append(line)
                    break
            latest[line.code] = line
    return changed


def project_lines(table: ParsedTable, data: dict[str, Any]) -> list[ProjectLine]:
    return [
        ProjectLine(
            table=table,
            label=row.get("label") or "",
            name=row.get("name") or "",
            section=row.get("section") or "",
            is_subtotal=bool(row.get("subtotal")),
            note=row.get("note") or "",
            **{col: money(row.get(col)) for col in COLUMN_SETS},
            **_source(row, i),
        )
        for i, row in enumerate(data.get("rows", []))
    ]


def performance_target(table: ParsedTable, data: dict[str, Any]) -> PerformanceTarget:
    funds = data.get("funds") or {}
    goals = data.get("goals") or {}
    target = PerformanceTarget(
        table=table,
        is_department=data["kind"] == TableKind.DEPARTMENT_PERFORMANCE,
        project=data.get("project") or "",
        supervisor=data.get("supervisor") or "",
        implementer=data.get("implementer") or "",
        functions=data.get("functions") or "",
        goals_initial=goals.get("initial") or "",
        goals_adjusted=goals.get("adjusted") or "",
        has_initial_funds=funds.get("initial") is not None,
        has_adjusted_funds=funds.get("adjusted") is not None,
    )
    for side in SIDES:
        for part in FUND_PARTS:
            setattr(target, f"{side}_{part}", money((funds.get(side) or {}).get(part)))
    return target


def indicators(target: PerformanceTarget, data: dict[str, Any], year: int | None) -> list[Indicator]:
    result = []
    for i, row in enumerate(data.get("indicators", [])):
        indicator = Indicator(
            target=target,
            level1=row.get("level1") or "",
            level2=row.get("level2") or "",
            note=row.get("note") or "",
            **_source(row, i),
        )
        for side in SIDES:
            printed = row.get(side)
            setattr(indicator, f"has_{side}", printed is not None)
            if printed is None:
                continue
            setattr(indicator, f"{side}_name", printed.get("name") or "")
            setattr(indicator, f"{side}_value", printed.get("value") or "")
            understood = parse_indicator_value(printed.get("value"), year=year) or {}
            setattr(indicator, f"{side}_op", understood.get("operator") or "")
            setattr(indicator, f"{side}_number", understood.get("number"))
            setattr(indicator, f"{side}_unit", understood.get("unit") or "")
            setattr(indicator, f"{side}_quantity", understood.get("quantity"))
            setattr(indicator, f"{side}_quantity_unit", understood.get("quantity_unit") or "")
            setattr(indicator, f"{side}_deadline", understood.get("deadline"))
        result.append(indicator)
    return result


# ---- back to budget-filing/1 -------------------------------------------------------------


def _columns(obj: Any) -> dict[str, str | None]:
    return {col: money_text(getattr(obj, col)) for col in COLUMN_SETS}


def _split(obj: Any, col: str) -> dict[str, str | None] | None:
    values = {part: money_text(getattr(obj, f"{col}_{part}")) for part in SPLIT}
    return None if all(v is None for v in values.values()) else values


def _table_dict(table: ParsedTable) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": table.kind, "title": table.title, "unit": table.unit, "pages": table.pages}
    if table.subtitle:
        out["subtitle"] = table.subtitle
    if table.kind == TableKind.INCOME_EXPENSE_SUMMARY:
        out["rows"] = [
            {"side": line.side, "label": line.label, **_columns(line), "page": line.page, "bbox": line.bbox}
            for line in table.summary_lines.all()
        ]
    elif table.kind == TableKind.FUNCTIONAL_EXPENDITURE:
        out["rows"] = [
            {
                "code": line.code or None,
                "name": line.name,
                **{col: _split(line, col) for col in COLUMN_SETS},
                "page": line.page,
                "bbox": line.bbox,
            }
            for line in table.functional_lines.all()
        ]
    elif table.kind in (TableKind.PROJECT_EXPENDITURE, TableKind.TRANSFER_PAYMENT):
        out["rows"] = [
            {
                "label": line.label,
                "name": line.name,
                "section": line.section or None,
                "subtotal": line.is_subtotal,
                **_columns(line),
                "note": line.note,
                "page": line.page,
                "bbox": line.bbox,
            }
            for line in table.project_lines.all()
        ]
    elif table.kind == TableKind.GRID:
        out.update(_grid_dict(table))
    else:
        out.update(_target_dict(table.target))
    return out


def _cell_text(cell: GridCell) -> str | None:
    return money_text(cell.amount) if cell.amount is not None else (cell.text or None)


def _grid_dict(table: ParsedTable) -> dict[str, Any]:
    out: dict[str, Any] = {
        "role": table.role or None,
        "columns": list(table.columns),
        "rows": [
            {
                "side": row.side or None,
                "code": row.code or None,
                "label": row.label or None,
                # Only the columns the row printed: a two-sided table's income row has no expense values.
                "values": {table.columns[cell.column]: _cell_text(cell) for cell in row.cells.all()},
                "page": row.page,
                "bbox": row.bbox,
            }
            for row in table.grid_rows.all()
        ],
    }
    if table.note:
        out["note"] = table.note
    return out


def _target_dict(target: PerformanceTarget) -> dict[str, Any]:
    parts = DEPARTMENT_FUNDS if target.is_department else PROJECT_FUNDS
    funds = {
        side: (
            {part: money_text(getattr(target, f"{side}_{part}")) for part in parts}
            if getattr(target, f"has_{side}_funds")
            else None
        )
        for side in SIDES
    }
    out: dict[str, Any] = {}
    if target.is_department:
        out["functions"] = target.functions
    else:
        out.update(project=target.project, supervisor=target.supervisor, implementer=target.implementer)
    out["funds"] = funds
    out["goals"] = {"initial": target.goals_initial or None, "adjusted": target.goals_adjusted or None}
    out["indicators"] = [
        {
            "level1": ind.level1,
            "level2": ind.level2,
            **{
                side: (
                    {
                        "name": getattr(ind, f"{side}_name") or None,
                        "value": getattr(ind, f"{side}_value") or None,
                    }
                    if getattr(ind, f"has_{side}")
                    else None
                )
                for side in SIDES
            },
            "note": ind.note,
            "page": ind.page,
            "bbox": ind.bbox,
        }
        for ind in target.indicators.all()
    ]
    return out


def filing_tables(filing: Filing) -> list[ParsedTable]:
    """All tables of a filing in printed order, with their rows fetched in a fixed number of queries."""
    tables = list(
        filing.tables.order_by("document__uploaded_at", "document_id", "position")
        .prefetch_related("summary_lines", "functional_lines", "project_lines", "target__indicators")
        .select_related("target")
    )
    # Only the grids ask for grid rows: a filing without grids costs no query for them.
    prefetch_related_objects([t for t in tables if t.kind == TableKind.GRID], "grid_rows__cells")
    return tables


def filing_to_dict(
    filing: Filing, tables: list[ParsedTable] | None = None, *, narrative: bool = True
) -> dict[str, Any]:
    """``tables`` may be passed when the caller needs the same ParsedTable objects (by index);
    ``narrative=False`` leaves out the 说明 (one query) where only the tables are wanted."""
    if tables is None:
        tables = filing_tables(filing)
    return {
        "schema": "budget-filing/1",
        "department": filing.department.name,
        "year": filing.year,
        "stage": filing.stage,
        "tables": [_table_dict(table) for table in tables],
        **({"narrative": filing_narrative(filing)} if narrative else {}),
    }


def filing_narrative(filing: Filing) -> list[dict[str, Any]]:
    """The 说明 of the filing's documents, in document order (the order of their tables)."""
    documents = filing_documents(filing).order_by("uploaded_at", "id").only("narrative")
    return [p for d in documents for p in (d.narrative or []) if isinstance(p, dict)]
