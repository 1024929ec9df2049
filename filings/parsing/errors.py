"""The one exception the parser lets out."""

from __future__ import annotations


class ParseError(Exception):
    """The file cannot be read as a PDF: corrupt, truncated, encrypted or not a PDF at all.

    The message is in Chinese, fit to show to the person who uploaded the file.
    """
