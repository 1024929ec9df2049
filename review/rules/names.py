"""Matching names across tables.

The same project is typed by different people in different tables: full- or
half-width brackets, curly or straight quotes, stray spaces, a leading
`(一)`.  Matching must see through those, and nothing more: `某某资金` and
`某某资金项目` are different projects in real filings, so no word is dropped.
The plain forms of text (NFKC for comparing, as printed for keys and messages)
are the contract's: `budget_filing.text.nfkc` and `squash`.
"""

from __future__ import annotations

import re

from budget_filing.text import nfkc

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
NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十百零〇]+[、.．]"
    r"|\([一二三四五六七八九十百零〇\d]+\)[、.．]?"
    r"|\d+[、.．](?!\d))"
)
_TRAILING = re.compile(r"[。.;；,，、:：]+$")


def match_key(name: object) -> str:
    """A project name reduced to what identifies it across tables."""
    text = nfkc(name).translate(_BRACKETS)
    text = _QUOTES.sub("", text)
    text = NUMBERING.sub("", text)
    return _TRAILING.sub("", text)
