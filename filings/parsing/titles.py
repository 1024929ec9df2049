"""What the printed words say: table kinds from titles, department/year/stage, labels.

Filings name the same table differently (`…支出表（功能分类科目）`, `…支出功能分类预算表`,
`部门收支总体情况表`, `收支预算总表`), so kinds are recognised by the words a title
contains, not by one exact title.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SUMMARY = "income_expense_summary"
FUNCTIONAL = "functional_expenditure"
PROJECT = "project_expenditure"
TRANSFER = "transfer_payment"
DEPARTMENT_PERFORMANCE = "department_performance"
PROJECT_PERFORMANCE = "project_performance"
IGNORED = "ignored"  # a table the schema does not cover; its rows are skipped

_WS = re.compile(r"\s+")
_FOOTER = re.compile(r"^第\d+页(，|,)?(共\d+页)?$|^\d+/\d+$|^-?\d+-?$|^共\d+页第\d+页$")
# a title ends in 表, perhaps with a parenthesised qualifier: `…表（功能分类科目）`
_TITLE_END = re.compile(r"表\s*([（(][^（()）]{1,20}[)）])?$")
_APPENDIX = re.compile(r"^附表?\s*[\d一二三四五六七八九十]+[-—–.．、：:]?$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_ORG_YEAR = re.compile(r"^(?P<org>.+?)(?P<year>(?:19|20)\d{2})\s*年")
_CODE_MARK = re.compile(r"^[\[［【(（]\s*\d+\s*[\]］】)）]|[\[［【(（]\s*\d+\s*[\]］】)）]$")


def squash(text: str | None) -> str:
    """Text without any whitespace (the schema's form of printed text)."""
    return _WS.sub("", text or "")


def nfkc(text: str | None) -> str:
    """Text folded for matching: NFKC (full-width brackets and colons become ASCII)."""
    return unicodedata.normalize("NFKC", squash(text))


def is_footer(text: str) -> bool:
    """A page footer such as `第 3 页，共 16 页`."""
    return bool(_FOOTER.match(nfkc(text)))


_APPENDIX_PREFIX = re.compile(r"^附[表件]?\s*[\d一二三四五六七八九十]+\s*[-—–.．、：:]?\s*")


def strip_appendix(text: str) -> str:
    """A title without the `附表1：` printed before it on the same line."""
    t = squash(text)
    m = _APPENDIX_PREFIX.match(t)
    return t[m.end():] if m and len(t) > m.end() else t


def is_appendix_mark(text: str) -> bool:
    """The `附表3` line printed above a title."""
    return bool(_APPENDIX.match(nfkc(text)))


def looks_like_title(text: str) -> bool:
    """Whether a free text line reads as a table title (known kind or not)."""
    t = nfkc(text)
    if len(t) < 5 or t.startswith(("注", "说明", "备注", "单位")):
        return False
    return bool(_TITLE_END.search(t)) or title_kind(t) not in (None, IGNORED)


def title_kind(text: str) -> str | None:
    """The table kind a title names; IGNORED for another table; None if no title at all."""
    t = nfkc(text)
    if "绩效" in t and "目标" in t:
        if "项目" in t:
            return PROJECT_PERFORMANCE
        if "整体" in t or "部门" in t:
            return DEPARTMENT_PERFORMANCE
    if "绩效" in t:
        return IGNORED if _TITLE_END.search(t) else None
    if "转移支付" in t:
        return TRANSFER
    if "功能分类" in t and "经济分类" not in t:
        return FUNCTIONAL
    if "一般公共预算支出" in t and not re.search("基本支出|经济分类|三公|机关运行", t):
        return FUNCTIONAL
    if re.search("收支(总体|预算总|总)", t) and "财政拨款收支" not in t:
        return SUMMARY
    if "项目支出" in t and "经济分类" not in t:
        return PROJECT
    return IGNORED if _TITLE_END.search(t) else None


@dataclass
class TitleFacts:
    """What a title (with its subtitle) tells: issuing organisation, year, stage."""

    org: str | None
    year: int | None
    adjustment: bool


def title_facts(title: str, subtitle: str | None = None) -> TitleFacts:
    t = squash(title)
    m = _ORG_YEAR.match(t)
    org = m.group("org") if m else None
    if org is not None and len(org) < 2:
        org = None
    year = int(m.group("year")) if m else None
    if year is None:
        y = _YEAR.search(t) or _YEAR.search(squash(subtitle))
        year = int(y.group(1)) if y else None
    return TitleFacts(org=org, year=year, adjustment="调整" in t)


def clean_org(name: str | None) -> str | None:
    """A department name without the budget code printed with it (`[164]…`, `…[164]`)."""
    if not name:
        return None
    n = _CODE_MARK.sub("", squash(name))
    return n or None


def majority(values: Iterable[str | None]) -> str | None:
    """The most frequent non-empty value; ties go to the one seen first."""
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    best = max(counts.values())
    for v in counts:
        if counts[v] == best:
            return v
    return None  # pragma: no cover


# ---------------------------------------------------------------- row labels

_CN_NUM = "一二三四五六七八九十百零〇"
_SECTION = re.compile(rf"^[{_CN_NUM}]+\s*[、.．]")
_ITEM = re.compile(rf"^[(（]\s*[{_CN_NUM}]+\s*[)）]\s*[、.．]?")
_SUBITEM = re.compile(r"^(\d+\s*[、.．](?!\d)|[(（]\s*\d+\s*[)）]\s*[、.．]?)")
_PLACEHOLDER = re.compile(r"^([XxＸｘ×＊*]{2,}.*|[.。…·．,，、]+|[-—]+)$")
_TOTAL = re.compile(r"^(合计|总计|小计)$")


def label_level(label: str) -> str:
    """`section` (一、…), `item` ((一)…), `subitem` (1. …), `total` (合计) or `plain`."""
    t = squash(label)
    if _TOTAL.match(t):
        return "total"
    if _SECTION.match(t):
        return "section"
    if _ITEM.match(t):
        return "item"
    if _SUBITEM.match(t):
        return "subitem"
    return "plain"


def strip_numbering(label: str) -> str:
    """The label without its printed numbering (`一、`, `(一)`, `（一）`, `1.`)."""
    t = squash(label)
    for pattern in (_SECTION, _ITEM, _SUBITEM):
        m = pattern.match(t)
        if m:
            return t[m.end():]
    return t


def is_placeholder(label: str) -> bool:
    """A template's placeholder row: `XXX项目`, `.....`."""
    t = squash(label)
    return bool(t) and bool(_PLACEHOLDER.match(t))


def is_note(text: str) -> bool:
    """A template note printed under a table (`注：1. 本表…`)."""
    t = nfkc(text)
    return bool(re.match(r"^(注|说明|备注)\d*[:：]", t))
