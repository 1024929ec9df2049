"""Models of the filings app: who filed what (documents.py) and what was read from it (tables.py)."""

from .documents import Department, Document, DocumentQuerySet, Filing, document_storage_path
from .tables import (
    FunctionalLine,
    GridCell,
    GridRow,
    Indicator,
    OcrCell,
    ParsedTable,
    PerformanceTarget,
    ProjectLine,
    SummaryLine,
)

__all__ = [
    "Department",
    "Document",
    "DocumentQuerySet",
    "Filing",
    "FunctionalLine",
    "GridCell",
    "GridRow",
    "Indicator",
    "OcrCell",
    "ParsedTable",
    "PerformanceTarget",
    "ProjectLine",
    "SummaryLine",
    "document_storage_path",
]
