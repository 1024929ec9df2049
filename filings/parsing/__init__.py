"""The filing PDF parser: a PDF in, a `budget-filing/1` dict out (tests/corpus/SCHEMA.md).

Plain Python on pdfplumber; nothing here imports Django.

    from filings.parsing import parse_pdf, scanned_pages, ParseError, parse_indicator_value
"""

from __future__ import annotations

from .errors import ParseError
from .indicators import parse_indicator_value
from .parse import parse_pdf, scanned_pages

__all__ = ["ParseError", "parse_indicator_value", "parse_pdf", "scanned_pages"]
