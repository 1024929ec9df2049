"""`TypedDict`s of a `budget-filing/1` document as the parser writes it (SCHEMA.md).

Amounts are two-place yuan strings (`"7233100.00"`) or None. Rows and indicators carry
their provenance, `page` (1-based) and `bbox` ([x0, top, x1, bottom] in PDF points).
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

Amount = str | None
Split = dict[str, Amount]  # {"total": …, "basic": …, "project": …}


class Provenance(TypedDict, total=False):
    page: int | None
    bbox: list[float] | None


class SummaryRow(Provenance):
    side: str
    label: str
    initial: Amount
    adjusted: Amount
    change: Amount


class FunctionalRow(Provenance):
    code: str | None
    name: str
    initial: Split | None
    adjusted: Split | None
    change: Split | None


class ProjectRow(Provenance):
    label: str
    name: str
    section: str | None
    subtotal: bool
    initial: Amount
    adjusted: Amount
    change: Amount
    note: str


class IndicatorSide(TypedDict):
    name: str | None
    value: str | None


class Indicator(Provenance):
    level1: str | None
    level2: str | None
    initial: IndicatorSide | None
    adjusted: IndicatorSide | None
    note: str


class GridRow(Provenance):
    side: str | None
    code: str | None
    label: str | None
    values: dict[str, str | None]


# An OCR'd cell read with less confidence than this is 待核对 (to be checked against the
# page): chosen on scans so that every misread amount fell below it (tests/parsing/test_scans.py).
DOUBT_CONFIDENCE = 0.9


class OcrCell(TypedDict):
    """One value cell of a scanned table as OCR read it.

    `row` indexes the table's `rows` (or `indicators`), None for a table-level field;
    `field` is the cell path as findings name cells (`adjusted.total`, `change`,
    `funds.adjusted.total`, `values.<column>`, `initial.value`); `confidence` is the
    probability of its least sure character, 0..1.
    """

    row: int | None
    field: str
    text: str
    confidence: float
    page: int
    bbox: list[float]


class Table(TypedDict):
    kind: str
    title: str | None
    unit: str
    pages: list[int]
    subtitle: NotRequired[str]
    # typed kinds
    rows: NotRequired[list]  # type: ignore[type-arg]  # SummaryRow | FunctionalRow | ProjectRow | GridRow
    # performance kinds
    project: NotRequired[str | None]
    supervisor: NotRequired[str | None]
    implementer: NotRequired[str | None]
    department_name: NotRequired[str | None]
    functions: NotRequired[str | None]
    funds: NotRequired[dict[str, dict[str, Amount] | None]]
    goals: NotRequired[dict[str, str | None]]
    indicators: NotRequired[list[Indicator]]
    # grid
    role: NotRequired[str]
    columns: NotRequired[list[str]]
    note: NotRequired[str]
    # a table on a scanned page: its value cells as OCR read them
    ocr: NotRequired[list[OcrCell]]


class Unread(TypedDict):
    """A page region with a ruled table or figures that no parsed table covers."""

    page: int
    bbox: list[float]
    what: str  # "table" (a ruled grid) or "figures" (numbers outside any grid)
    text: str  # the first words printed there, for the reviewer


class Coverage(TypedDict):
    tables: int
    unread: list[Unread]


class Filing(TypedDict):
    schema: str
    department: str | None
    year: int | None
    stage: str | None
    tables: list[Table]
    page_count: NotRequired[int]
    pages_without_text: NotRequired[list[int]]  # an image, no text, and OCR read nothing
    pages_scanned: NotRequired[list[int]]  # read by OCR
    pages_blank: NotRequired[list[int]]  # no text and no image: nothing to read
    ocr_engine: NotRequired[str]  # "name version", when OCR ran
    coverage: NotRequired[Coverage]
