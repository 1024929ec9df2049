"""Text normalisation for matching names across tables.

The same project is typed by different people in different tables: full- or
half-width brackets, curly or straight quotes, stray spaces, a leading
`(一)`.  Matching must see through those, and nothing more: `某某资金` and
`某某资金项目` are different projects in real filings, so no word is dropped.
"""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
# Bracket forms that NFKC leaves alone; all of them read as round brackets.
_BRACKETS = str.maketrans(
    {
        "【": "(",
        "】": ")",
        "〔": "(",
        "〕": ")",
        "［": "(",
        "］": ")",
        "[": "(",
        "]": ")",
        "〖": "(",
        "〗": ")",
        "｛": "(",
        "｝": ")",
    }
)
_QUOTES = re.compile(r"[\"'“”‘’「」『』〝〞＂＇]")
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十百零〇]+[、.．]"
    r"|\([一二三四五六七八九十百零〇\d]+\)[、.．]?"
    r"|\d+[、.．](?!\d))"
)
_TRAILING = re.compile(r"[。.;；,，、:：]+$")


def clean(text: object) -> str:
    """NFKC, no whitespace: the form the scorer compares text in."""
    if text is None:
        return ""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", str(text)))


def match_key(name: object) -> str:
    """A project name reduced to what identifies it across tables."""
    text = clean(name).translate(_BRACKETS)
    text = _QUOTES.sub("", text)
    text = _NUMBERING.sub("", text)
    return _TRAILING.sub("", text)


def printed(text: object) -> str:
    """Text as printed, less whitespace (SCHEMA.md's convention): for keys and
    messages, where the reviewer should see what the filing says."""
    if text is None:
        return ""
    return _WHITESPACE.sub("", str(text))


def is_blank(text: object) -> bool:
    return clean(text) == ""
