"""What the printed words say: table kinds from titles, department/year/stage, labels.

Filings name the same table differently (`…支出表（功能分类科目）`, `…支出功能分类预算表`,
`部门收支总体情况表`, `收支预算总表`), so kinds are recognised by the words a title
contains, not by one exact title.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from budget_filing import kinds as K
from budget_filing.text import nfkc, squash

SUMMARY = K.SUMMARY
FUNCTIONAL = K.FUNCTIONAL
PROJECT = K.PROJECT
TRANSFER = K.TRANSFER
DEPARTMENT_PERFORMANCE = K.DEPARTMENT_PERFORMANCE
PROJECT_PERFORMANCE = K.PROJECT_PERFORMANCE
GRID = K.GRID
_FOOTER = re.compile(r"^第\d+页(，|,)?(共\d+页)?$|^\d+/\d+$|^-?\d+-?$|^共\d+页第\d+页$")
# a title ends in 表, perhaps with a parenthesised qualifier: `…表（功能分类科目）`
_TITLE_END = re.compile(r"表\s*([（(][^（()）]{1,20}[)）])?$")
_APPENDIX = re.compile(r"^附表?\s*[\d一二三四五六七八九十]+[-—–.．、：:]?$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_ORG_YEAR = re.compile(r"^(?P<org>.+?)(?P<year>(?:19|20)\d{2})\s*年")
_CODE_MARK = re.compile(r"^[\[［【(（]\s*\d+\s*[\]］】)）]|[\[［【(（]\s*\d+\s*[\]］】)）]$")


def is_footer(text: str) -> bool:
    """A page footer such as `第 3 页，共 16 页`."""
    return bool(_FOOTER.match(nfkc(text)))


_APPENDIX_PREFIX = re.compile(r"^附[表件]?\s*[\d一二三四五六七八九十]+\s*[-—–.．、：:]?\s*")


def strip_appendix(text: str) -> str:
    """A title without the `附表1：` printed before it on the same line."""
    t = squash(text)
    m = _APPENDIX_PREFIX.match(t)
    return t[m.end() :] if m and len(t) > m.end() else t


def is_appendix_mark(text: str) -> bool:
    """The `附表3` line printed above a title."""
    return bool(_APPENDIX.match(nfkc(text)))


# a 目录 entry: leader dots (…… ···· ....) before a page number
_TOC = re.compile(r"(…{2,}|\.{4,}|·{4,}|－{3,}|-{4,})\s*\d*$")
# prose, not a title: a sentence's punctuation, or a 说明 heading (`一、收入支出决算总体情况说明`)
_PROSE = re.compile(r"[，。；！？]|[,;](?!\d)")
_MAX_TITLE_CHARS = 70


def is_contents_entry(text: str) -> bool:
    """A 目录 line: leader dots before a page number."""
    return bool(_TOC.search(nfkc(text)))


def looks_like_title(text: str) -> bool:
    """Whether a free text line reads as a table title (typed kind or a grid).

    A title names a table: it ends in 表 (perhaps with a qualifier such as `（功能科目）`) or
    names a typed kind; a 目录 entry, a sentence or a heading of the 说明 never does.
    """
    t = nfkc(text)
    if len(t) < 5 or len(t) > _MAX_TITLE_CHARS or t.startswith(("注", "说明", "备注", "单位")):
        return False
    if _TOC.search(t) or _PROSE.search(t) or t.endswith(("说明", "情况")):
        return False
    return bool(_TITLE_END.search(t)) or title_kind(t) not in (None, GRID)


def title_kind(text: str) -> str | None:
    """The table kind a title names; GRID for any other table; None if no title at all."""
    t = nfkc(text)
    if "决算" in t:
        return GRID if _TITLE_END.search(t) else None
    if "绩效" in t and "目标" in t:
        if "项目" in t:
            return PROJECT_PERFORMANCE
        if "整体" in t or "部门" in t:
            return DEPARTMENT_PERFORMANCE
    if "绩效" in t:
        return GRID if _TITLE_END.search(t) else None
    if "转移支付" in t:
        return TRANSFER
    if re.search("政府性基金|国有资本经营|三公|机关运行|政府采购|经济分类|经济科目|基本支出", t):
        return GRID if _TITLE_END.search(t) else None
    if "财政拨款" in t and re.search("支出|收支", t):
        # 财政拨款收支总表, 财政拨款支出表（功能科目）: all fiscal funds, not the typed kinds
        return GRID if _TITLE_END.search(t) else None
    if re.search("功能分类|功能科目", t) or "一般公共预算支出" in t:
        return FUNCTIONAL
    if re.search("收支(总体|预算总|决算总|总)", t):
        return SUMMARY
    if "项目支出" in t:
        return PROJECT
    return GRID if _TITLE_END.search(t) else None


_ROLE_WORDS: list[tuple[str, str]] = [
    ("三公", K.THREE_PUBLIC),
    ("机关运行", K.OPERATING_COSTS),
    ("政府性基金", K.GOVERNMENT_FUND),
    ("国有资本经营", K.STATE_CAPITAL),
    ("政府采购", K.PROCUREMENT),
    ("财政拨款收支", K.FISCAL_SUMMARY),
    ("经济分类|经济科目|基本支出", K.ECONOMIC_BASIC),
    ("财政拨款.*(功能|支出)", K.FISCAL_FUNCTIONAL),
    ("收支", K.SUMMARY_GRID),
    ("收入.*总表|收入(预算)?表", K.INCOME_SOURCES),
    ("支出.*总表", K.EXPENSE_SPLIT),
    ("项目", K.PROJECT_LIST),
]


def grid_role(title: str | None) -> str:
    """What a grid table is, from its title (SCHEMA.md's roles); a 决算's tables are all one role."""
    t = nfkc(title)
    if "决算" in t:
        return K.FINAL_ACCOUNTS
    for words, role in _ROLE_WORDS:
        if re.search(words, t):
            return role
    return K.OTHER


@dataclass
class TitleFacts:
    """What a title (with its subtitle) tells: issuing organisation, year, stage."""

    org: str | None
    year: int | None
    adjustment: bool
    final: bool = False


# An organisation's name ends in what a Chinese public body is called; anything else before a
# year (`1.`, `五、部门预算表……1.`, `第二部分`, `上海市普陀区`) is not a department.
_ORG_END = re.compile(
    r"(局|厅|委|委员会|办|办公室|办公厅|院|会|室|处|部|中心|站|所|馆|队|社|校|府|署|团|联|协会|办事处|街道|镇|乡"
    r"|监狱|法院|检察院|公司|集团|园|台|报|库|场|司|科|股|组|盟)$"
)
_NOT_ORG = re.compile(r"^([\d一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十\d]+部分|[（(])|…|\.{2}")
_ORG_LABEL = re.compile(
    r"^(预算主管部门|主管部门|编制部门|编制单位|部门名称|单位名称|预算单位|部门|单位)[:：](?P<name>.*)$"
)


_COVER = re.compile(r"^(?P<org>.*?)(?P<year>(?:19|20)\d{2})\s*年度?.{0,12}(预算|决算)")


def cover_facts(text: str) -> tuple[str | None, int | None]:
    """`上海市普陀区司法局2026年部门预算` (a cover or heading line) -> (organisation, year)."""
    t = squash(text)
    if len(t) > 40 or _PROSE.search(t) or _TITLE_END.search(nfkc(t)):
        return None, None
    m = _COVER.match(t)
    if m is None:
        return None, None
    return valid_org(m.group("org")), int(m.group("year"))


def valid_org(name: str | None) -> str | None:
    """`name` if it reads as a public body's name, else None."""
    n = clean_org(name)
    if not n or len(n) < 3 or len(n) > 40 or _NOT_ORG.search(n) or _PROSE.search(n):
        return None
    if unit_word(n) or not _ORG_END.search(n):
        return None
    return n


def unit_word(text: str) -> bool:
    return bool(re.search(r"(单位|金额)[:：]?\s*(亿元|千元|万元|元)$|^(亿元|千元|万元|元)$", text))


_UNIT_TAIL = re.compile(r"(?:金额)?单位[:：]")


def labelled_org(text: str) -> tuple[str, str] | None:
    """`编制部门：上海市普陀区司法局` -> (label, name); the name may be empty (`部门：` alone)."""
    m = _ORG_LABEL.match(nfkc(text))
    if m is None:
        return None
    label = m.group(1)
    if label == "单位" and unit_word(nfkc(text)):
        return None
    # the name as printed (full-width forms kept), after the first colon
    raw = squash(text)
    cut = max(raw.find("："), raw.find(":"))
    name = raw[cut + 1 :] if cut >= 0 else ""
    # `编制单位：XX    单位：万元` printed as one line: the unit is not part of the name
    return label, _UNIT_TAIL.split(name, maxsplit=1)[0]


def title_facts(title: str, subtitle: str | None = None) -> TitleFacts:
    t = squash(title)
    m = _ORG_YEAR.match(t)
    org = valid_org(m.group("org")) if m else None
    year = int(m.group("year")) if m else None
    if year is None:
        y = _YEAR.search(t) or _YEAR.search(squash(subtitle))
        year = int(y.group(1)) if y else None
    return TitleFacts(org=org, year=year, adjustment="调整" in t, final="决算" in t)


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
            return t[m.end() :]
    return t


def is_placeholder(label: str) -> bool:
    """A template's placeholder row: `XXX项目`, `.....`."""
    t = squash(label)
    return bool(t) and bool(_PLACEHOLDER.match(t))


def is_note(text: str) -> bool:
    """A template note printed under a table (`注：1. 本表…`)."""
    t = nfkc(text)
    return bool(re.match(r"^(注|说明|备注)\d*[:：]", t))
