"""Text normalisation: the schema's form of printed text, and the form text is matched in."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")


def squash(text: object) -> str:
    """Text without any whitespace (the schema's form of printed text); None is ""."""
    return "" if text is None else _WS.sub("", str(text))


def nfkc(text: object) -> str:
    """Text folded for matching: NFKC (full-width brackets and colons become ASCII), no whitespace.

    Whitespace goes after the folding, as in the corpus scorer: NFKC turns some characters
    (an ideographic space among them) into spaces.
    """
    return "" if text is None else squash(unicodedata.normalize("NFKC", str(text)))
