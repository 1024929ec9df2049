"""The 说明 against the tables: its figures, its words, its years and template text left in (issue 12).

The parser keeps the 说明 as `doc["narrative"]`, paragraphs `{"page", "text", "bbox"}`; a
paragraph cut by a page break (it does not end a sentence and the next page goes on without a
numbering) is read as one, and a finding names the page its figure is printed on.  Findings
are keyed `narrative` / `p<page>` (SCHEMA.md) and carry the paragraph's page and box.

What the rules know (the definitions they rely on):

- A figure of the 说明 names what it counts by the words just before it (`财政拨款收入9628.22万元`,
  `一般公共预算拨款支出预算…`, `“三公”经费预算数为…`, `支出决算为…` carrying on the subject of
  the figure before it in the same sentence).  A figure whose words say it is a change (`比…增加`),
  last year's (`执行数`, another year) or something no table holds is never compared.
- It is compared with every table figure that can mean the same thing (the 收支总表 and the
  收入总表 both give 收入合计; a 决算's 支出决算表 and 一般公共预算财政拨款支出决算表 both give
  a 功能分类 line, the first with other funds): it agrees when one of them does, at the
  precision the 说明 prints (208.8万元 agrees with 2,087,959.00 元, within one printed step, so a
  figure truncated or rounded from separately rounded parts agrees too).  A 决算's figures are
  compared with its 决算数 columns, never with its 预算数 ones, except where the words say 预算.
- 功能分类 lines are found by their codes (`公共安全支出（204类）司法（06款）行政运行（01项）`) or
  by their names (`“一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目`,
  `社会保障和就业支出（类）…（款）…（项）`), names looked up under the 类 (and 款) they name.
- A percentage is checked only where the figures it follows from are printed beside it:
  two levels and `比…增加/减少P%`, a level and its change `比…增加D万元，增长P%` (last year's is
  the level less the change), `完成(年初)预算的P%` after a 预算 and a 决算 figure, `占P%` of the
  paragraph's first figure (or of the total it names).  Every printed figure was rounded, so the
  percentage may lie anywhere the rounded inputs allow, give or take one unit of its last digit
  (printed percentages are often truncated).
- Where no table holds a figure, two figures the 说明 gives for the same thing agree (a
  功能分类 line's heading and its `2026年预算安排…`; 机关运行经费 twice in a 决算); a total it
  lists parts of (“三公”, 政府采购) is their sum, one printed step per part.
- Years: a budget (or 决算) of year Y compares with Y−1 (`比Y−1年预算`, `与Y−1年度相比`), states
  figures of Y or Y−1 only, last year's execution for Y−1, and its headings name Y.  Dates
  (`截至2025年8月31日`), periods (`实施周期…`) and documents cited (`《…》`) are not checked.
- Template text: `XX局`, `x,xxx万元`, `目标1:目标2:`, a choice left (`下降（增长）`); a doubled full
  stop only where template text is left elsewhere too (alone it is a slip: `punctuation`, info).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from budget_filing.kinds import (
    ECONOMIC_BASIC,
    EXPENSE,
    EXPENSE_SPLIT,
    FINAL,
    FINAL_ACCOUNTS,
    FISCAL_FUNCTIONAL,
    FISCAL_SUMMARY,
    FUNCTIONAL,
    GOVERNMENT_FUND,
    GRID,
    INCOME,
    INCOME_SOURCES,
    OPERATING_COSTS,
    STATE_CAPITAL,
    SUMMARY,
    THREE_PUBLIC,
)
from budget_filing.text import squash
from budget_filing.units import factor

from . import amounts
from .model import Filing, Hit, Severity, Table
from .names import match_key
from .registry import rule

NARRATIVE = "narrative"
WAN = Decimal("10000")
HUNDRED = Decimal("100")

# Matching runs on a copy of the text with full-width brackets, colons, commas, semicolons and
# percent signs made ASCII, one character for one so positions stay those of the printed text.
_FOLD = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "％": "%", "－": "-", "—": "-"})
_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(万元|亿元|元)")
_PERCENT = re.compile(r"(?<![\d.])(\d+)(?:\.(\d+))?%")
_SENTENCE_END = "。;!?！？"
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\([一二三四五六七八九十\d]+\)|\d+[、.．](?!\d))")
_UP = ("增加", "增长", "上升", "提高")
_DOWN = ("减少", "下降", "降低")


# ------------------------------------------------------------------ paragraphs and tokens


@dataclass(frozen=True)
class Segment:
    start: int
    page: int
    bbox: tuple[float, ...] | None


@dataclass(frozen=True)
class Token:
    """A figure of the text: an amount (in yuan, with its printed precision) or a percentage."""

    kind: str  # "A" or "P"
    start: int
    end: int
    printed: str  # as printed, unit included
    value: Decimal  # yuan for an amount, percent for a percentage
    step: Decimal  # one unit of the last printed digit, in the same terms as value


@dataclass
class Para:
    text: str  # as printed
    segments: list[Segment]
    folded: str = ""
    tokens: list[Token] = field(default_factory=list)
    coded: str = ""  # folded text, every figure replaced by ⟨A3⟩ / ⟨P1⟩
    stated: list[Stated] | None = None  # what `_stated` read, kept for the other rules

    def at(self, pos: int) -> Segment:
        seg = self.segments[0]
        for s in self.segments:
            if s.start <= pos:
                seg = s
        return seg


def _bbox(value: Any) -> tuple[float, ...] | None:
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 4:
        try:
            return tuple(float(v) for v in value)
        except (TypeError, ValueError):
            return None
    return None


def _paragraphs(filing: Filing) -> list[Para]:
    return _memo(filing, "paragraphs", _build_paragraphs)  # type: ignore[no-any-return]


def _build_paragraphs(filing: Filing) -> list[Para]:
    raw = filing.doc.get("narrative")
    if not isinstance(raw, list):
        return []
    paras: list[Para] = []
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        text = squash(item.get("text"))
        try:
            page = int(item.get("page"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if not text:
            continue
        seg_bbox = _bbox(item.get("bbox"))
        last = paras[-1] if paras else None
        if (
            last is not None
            and last.text[-1] not in _SENTENCE_END + ":："
            and last.segments[-1].page + 1 == page
            and not _NUMBERING.match(text.translate(_FOLD))
        ):
            last.segments.append(Segment(len(last.text), page, seg_bbox))
            last.text += text
            continue
        paras.append(Para(text, [Segment(0, page, seg_bbox)]))
    for p in paras:
        _tokenize(p)
    return paras


def _tokenize(p: Para) -> None:
    p.folded = p.text.translate(_FOLD)
    found: list[Token] = []
    for m in _AMOUNT.finditer(p.folded):
        whole, frac, unit = m.group(1).replace(",", ""), m.group(2) or "", m.group(3)
        number = Decimal(f"{whole}.{frac}" if frac else whole)
        f = factor(unit)
        found.append(
            Token("A", m.start(), m.end(), m.group(0), number * f, Decimal(1).scaleb(-len(frac)) * f)
        )
    for m in _PERCENT.finditer(p.folded):
        frac = m.group(2) or ""
        number = Decimal(f"{m.group(1)}.{frac}" if frac else m.group(1))
        found.append(Token("P", m.start(), m.end(), m.group(0), number, Decimal(1).scaleb(-len(frac))))
    found.sort(key=lambda t: t.start)
    p.tokens = found
    parts, pos = [], 0
    for i, t in enumerate(found):
        parts.append(p.folded[pos : t.start])
        parts.append(f"⟨{t.kind}{i}⟩")
        pos = t.end
    parts.append(p.folded[pos:])
    p.coded = "".join(parts)


def _wan(amount: Decimal, step: Decimal | None = None) -> str:
    """Yuan as 万元 at the given printed step (default two places)."""
    places = 2 if step is None else max(0, -int((step / WAN).normalize().as_tuple().exponent))
    return f"{(amount / WAN).quantize(Decimal(1).scaleb(-places)):,f}万元"


def _yuan(amount: Decimal, table: Table) -> str:
    """A table figure as the table prints it, with its unit."""
    unit = table.unit or "元"
    value = amount / factor(unit)
    return f"{value.quantize(Decimal('0.01')):,f}{unit}"


def _table_figure(cell: Cell, printed: Token) -> str:
    """A table's figure as printed there, and in 万元 at the 说明's precision when the table is in 元."""
    shown = _yuan(cell.value, cell.table)
    if (cell.table.unit or "元") == "万元":
        return shown
    return f"{shown}（{_wan(cell.value, printed.step)}）"


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}%"


def _quote(p: Para, start: int, end: int, width: int = 40) -> str:
    """The printed text around a place, cut at sentence ends, for messages."""
    lo = max(0, start - width)
    for i in range(start - 1, lo - 1, -1):
        if p.text[i] in "。；;":
            lo = i + 1
            break
    hi = min(len(p.text), end + width)
    for i in range(end, hi):
        if p.text[i] in "。；;":
            hi = i
            break
    return p.text[lo:hi]


def _hit(
    p: Para, pos: int, message: str, *, printed: Any = None, expected: Any = None, detail: str = ""
) -> Hit:
    seg = p.at(pos)
    return Hit(
        -1,
        f"p{seg.page}",
        f"第{seg.page}页说明：{message}",
        printed=printed,
        expected=expected,
        detail=detail or message,
        table_kind=NARRATIVE,
        page=seg.page,
        bbox=seg.bbox,
    )


def _placed(hits: Iterable[Hit]) -> Iterator[Hit]:
    """Each finding's `cells` names what it is about (the figure or text printed, and which of
    several alike on its page), so that decisions and comments stay with it when rules re-run."""
    seen: dict[tuple[str, str], int] = {}
    for h in hits:
        what = squash(h.printed)[:50]
        n = seen[(h.key, what)] = seen.get((h.key, what), 0) + 1
        yield replace(h, cells=(what if n == 1 else f"{what}#{n}",))


def _rule(rule_id: str, anomaly_class: str, severity: Severity, title: str) -> Callable[[Any], Any]:
    """`registry.rule` with `_placed` around the check."""

    def register(check: Callable[[Filing], Iterable[Hit]]) -> Callable[[Filing], Iterable[Hit]]:
        def placed(filing: Filing) -> Iterator[Hit]:
            return _placed(check(filing))

        placed.__doc__, placed.__name__ = check.__doc__, check.__name__
        rule(rule_id, anomaly_class, severity, title)(placed)
        return check

    return register


# ------------------------------------------------------------------ table figures


@dataclass(frozen=True)
class Cell:
    table: Table
    row_index: int
    label: str  # numbering stripped
    code: str
    side: str | None
    column: str
    value: Decimal
    title: str
    role: str


def _row_values(table: Table, row: Mapping[str, Any]) -> dict[str, Decimal]:
    """A row's amounts by column name; a blank amount cell counts as 0 (the table prints none)."""
    if table.kind == SUMMARY:
        raw: Mapping[str, Any] = {"金额": row.get("initial")}
    elif table.kind == FUNCTIONAL:
        initial = row.get("initial")
        init: Mapping[str, Any] = initial if isinstance(initial, Mapping) else {}
        raw = {"合计": init.get("total"), "基本支出": init.get("basic"), "项目支出": init.get("project")}
    elif table.kind == GRID:
        values = row.get("values")
        raw = values if isinstance(values, Mapping) else {}
    else:
        return {}
    out: dict[str, Decimal] = {}
    for col, v in raw.items():
        d = amounts.to_decimal(v)
        if d is not None:
            out[str(col)] = d
        elif v is None or squash(v) in ("", "-", "—", "–"):
            out[str(col)] = Decimal(0)
    return out


def _memo(filing: Filing, name: str, build: Callable[[Filing], Any]) -> Any:
    """What several narrative rules need, built once per run (the Filing lives for one run)."""
    store = filing.__dict__.setdefault("_narrative_memo", {})
    if name not in store:
        store[name] = build(filing)
    return store[name]


def _cells(filing: Filing) -> list[Cell]:
    return _memo(filing, "cells", _build_cells)  # type: ignore[no-any-return]


def _build_cells(filing: Filing) -> list[Cell]:
    cells: list[Cell] = []
    for table in filing.tables:
        title, role = squash(table.data.get("title")), str(table.data.get("role") or "")
        for i, row in enumerate(table.rows):
            label = match_key(row.get("label") if table.kind != FUNCTIONAL else row.get("name"))
            code = squash(row.get("code"))
            side = row.get("side") if isinstance(row.get("side"), str) else None
            for col, value in _row_values(table, row).items():
                cells.append(Cell(table, i, label, code, side, squash(col), value, title, role))
    return cells


_TOTAL_ROW = re.compile(r"^(?:合计|总计|本年收入合计|本年支出合计|收入总计|支出总计|本年收入|本年支出)$")
_FIRST_COL = re.compile(r"(?:^|/)(?:合计|金额|预算数|决算数|本年收入合计|本年支出合计)$")


def _is_fiscal_summary(c: Cell) -> bool:
    return c.role == FISCAL_SUMMARY or bool(re.search(r"财政拨款收(?:入)?支(?:出)?", c.title))


def _is_general_functional(c: Cell) -> bool:
    """一般公共预算(财政拨款)支出 by function: the typed table or a 决算's 一般公共预算财政拨款支出决算表."""
    if c.table.kind == FUNCTIONAL:
        return True
    return c.role == FINAL_ACCOUNTS and "一般公共预算" in c.title and "基本支出" not in c.title


def _is_economic(c: Cell) -> bool:
    return c.role == ECONOMIC_BASIC or (c.role == FINAL_ACCOUNTS and "基本支出" in c.title)


def _is_three_public(c: Cell) -> bool:
    return c.role == THREE_PUBLIC or "三公" in c.title


# A subject is what a figure counts; each has the table cells that can hold it.
Finder = Callable[[Cell], bool]


def _total_first(c: Cell) -> bool:
    return bool(_TOTAL_ROW.match(c.label)) and (_FIRST_COL.search(c.column) is not None or c.column == "")


def _income_total(c: Cell) -> bool:
    if c.side == EXPENSE or _is_fiscal_summary(c):
        return False
    if c.table.kind == SUMMARY or c.side == INCOME:
        return bool(re.match(r"^(?:收入总计|本年收入合计|本年收入|收入合计)$", c.label))
    return (c.role == INCOME_SOURCES or "收入" in c.title) and _total_first(c)


def _expense_total(c: Cell) -> bool:
    if c.side == INCOME or _is_fiscal_summary(c):
        return False
    if c.table.kind == SUMMARY or c.side == EXPENSE:
        return bool(re.match(r"^(?:支出总计|本年支出合计|本年支出|支出合计)$", c.label))
    if c.role == EXPENSE_SPLIT or re.match(r"^\d*年?(?:部门)?支出(?:预算|决算)", c.title):
        return _total_first(c)
    return False


def _grand_total(c: Cell) -> bool:
    return c.label in ("总计", "收入总计", "支出总计") and not _is_fiscal_summary(c)


def _fiscal_grand_total(c: Cell) -> bool:
    return _is_fiscal_summary(c) and c.label in ("总计", "收入总计", "支出总计") and _first_or_total(c)


def _first_or_total(c: Cell) -> bool:
    return bool(_FIRST_COL.search(c.column)) or c.column == ""


def _income_part(label: str, column: str) -> Finder:
    def find(c: Cell) -> bool:
        if c.side == EXPENSE:
            return False
        if c.table.kind == SUMMARY or c.side == INCOME:
            if _is_fiscal_summary(c):
                return label == "财政拨款收入" and c.label in ("收入总计", "本年收入合计", "总计")
            return bool(re.match(f"^(?:{label})$", c.label))
        return bool(_TOTAL_ROW.match(c.label)) and bool(re.search(f"(?:^|/)(?:{column})$", c.column))

    return find


def _fiscal_expense(column: str | None) -> Finder:
    """财政拨款支出 (all funds) or one fund's column of the 财政拨款收支总表's expense total."""

    def find(c: Cell) -> bool:
        if not _is_fiscal_summary(c) or c.side == INCOME:
            return False
        if not re.match(r"^(?:支出总计|本年支出合计|本年支出|合计|总计)$", c.label):
            return False
        if column is None:
            return bool(re.search(r"(?:^|/)合计$", c.column)) or (
                c.table.kind == SUMMARY and c.column == "金额"
            )
        return column in c.column

    return find


def _general_expense(c: Cell) -> bool:
    if _is_general_functional(c):
        return bool(_TOTAL_ROW.match(c.label)) and not c.code and c.column in ("合计", "本年支出合计")
    return _fiscal_expense("一般公共预算")(c)


def _fund_table(role: str, word: str) -> Finder:
    def find(c: Cell) -> bool:
        if c.role == role or (c.role == FINAL_ACCOUNTS and word in c.title):
            return bool(_TOTAL_ROW.match(c.label)) and bool(
                re.search(r"(?:^|/)合计$|本年支出/合计$", c.column)
            )
        return _fiscal_expense(word)(c)

    return find


def _split_total(word: str) -> Finder:
    def find(c: Cell) -> bool:
        if _is_economic(c) or not _TOTAL_ROW.match(c.label) or c.code:
            return False
        return bool(re.search(f"(?:^|/){word}$", c.column))

    return find


def _general_basic(c: Cell) -> bool:
    if _is_general_functional(c):
        return bool(_TOTAL_ROW.match(c.label)) and not c.code and c.column == "基本支出"
    if c.role == ECONOMIC_BASIC:
        return bool(_TOTAL_ROW.match(c.label)) and bool(re.search(r"(?:^|/)合计$", c.column))
    return False


def _economic_part(word: str) -> Finder:
    def find(c: Cell) -> bool:
        if not _is_economic(c):
            return False
        if _TOTAL_ROW.match(c.label):
            return word in c.column
        return c.label in (word, f"{word}合计") and _first_or_total(c)

    return find


def _three_public(part: str) -> Finder:
    def find(c: Cell) -> bool:
        if not _is_three_public(c):
            return False
        if c.label and not _TOTAL_ROW.match(c.label):
            return False
        parts = [x for x in c.column.split("/") if x not in ("预算数", "决算数")]
        if part == "total":
            return any("三公" in a and b in ("合计", "小计") for a, b in zip(parts, parts[1:], strict=False))
        car = [i for i, x in enumerate(parts) if x.startswith("公务用车购置及运行")]
        if part == "car":
            return bool(car) and (car[-1] == len(parts) - 1 or parts[car[-1] + 1] in ("小计", "合计"))
        if part in ("car_buy", "car_run"):
            word = "购置" if part == "car_buy" else "运行"
            return bool(car) and car[-1] < len(parts) - 1 and word in parts[car[-1] + 1]
        if part == "abroad":
            return bool(parts) and parts[-1].startswith("因公出国")
        if part == "reception":
            return bool(parts) and parts[-1].startswith("公务接待")
        return False

    return find


def _operating_costs(c: Cell) -> bool:
    if _is_three_public(c):
        return "机关运行经费" in c.column and (not c.label or bool(_TOTAL_ROW.match(c.label)))
    if c.role == OPERATING_COSTS:
        return bool(_TOTAL_ROW.match(c.label)) and _first_or_total(c)
    return False


_END = r"(?:预算数|预算|决算数|决算|数|总额|金额)?(?:为|是)?$"
_Q = r"[“”\"']?三公[“”\"']?"
# (subject, words ending the text before a figure, name for messages, table cells); most specific first.
_SUBJECTS: tuple[tuple[str, str, str, Finder], ...] = (
    ("fiscal_grand_total", r"财政拨款收入支出(?:决算)?总计", "财政拨款收入支出总计", _fiscal_grand_total),
    ("grand_total", r"收入支出(?:决算)?总计", "收入支出总计", _grand_total),
    ("general_basic", r"一般公共预算(?:财政)?拨款基本支出", "一般公共预算财政拨款基本支出", _general_basic),
    ("general_expense", r"一般公共预算(?:财政)?拨款支出", "一般公共预算财政拨款支出", _general_expense),
    (
        "fund_expense",
        r"政府性基金(?:预算)?(?:财政)?拨款支出",
        "政府性基金预算财政拨款支出",
        _fund_table(GOVERNMENT_FUND, "政府性基金"),
    ),
    (
        "capital_expense",
        r"国有资本经营预算(?:财政)?拨款支出",
        "国有资本经营预算财政拨款支出",
        _fund_table(STATE_CAPITAL, "国有资本经营"),
    ),
    ("fiscal_expense", r"(?<!预算)财政拨款支出", "财政拨款支出", _fiscal_expense(None)),
    (
        "fiscal_income",
        r"财政拨款收入",
        "财政拨款收入",
        _income_part("财政拨款收入|财政拨款", "财政拨款收入|财政拨款"),
    ),
    (
        "operating_income",
        r"(?:事业单位)?经营收入",
        "事业单位经营收入",
        _income_part("(?:事业单位)?经营收入", "(?:事业单位)?经营收入"),
    ),
    ("business_income", r"(?<!经营)事业收入", "事业收入", _income_part("事业收入", "事业收入")),
    ("other_income", r"其他收入", "其他收入", _income_part("其他收入", "其他收入")),
    ("income_total", r"(?<!拨款)(?:收入预算|收入总计|本年收入合计|收入合计)", "收入合计", _income_total),
    ("expense_total", r"(?<!拨款)(?:支出预算|支出总计|本年支出合计|支出合计)", "支出合计", _expense_total),
    ("basic", r"(?<!拨款)基本支出", "基本支出", _split_total("基本支出")),
    ("project", r"(?<![拨款本])项目支出", "项目支出", _split_total("项目支出")),
    ("personnel", r"人员经费(?:支出)?", "人员经费", _economic_part("人员经费")),
    ("public", r"公用经费(?:支出)?", "公用经费", _economic_part("公用经费")),
    ("tp_car", r"公务用车购置及运行(?:维护)?费(?:支出)?", "公务用车购置及运行费", _three_public("car")),
    ("tp_car_buy", r"公务用车购置(?:费|支出)", "公务用车购置费", _three_public("car_buy")),
    ("tp_car_run", r"公务用车运行(?:维护)?(?:费|支出)", "公务用车运行费", _three_public("car_run")),
    ("tp_abroad", r"因公出国\(境\)(?:费用|费)(?:支出)?", "因公出国（境）费", _three_public("abroad")),
    ("tp_reception", r"(?<!国内)公务接待费(?:支出)?", "公务接待费", _three_public("reception")),
    ("tp_total", _Q + r"经费(?:财政拨款)?(?:支出)?(?:年初)?", "“三公”经费", _three_public("total")),
    ("operating_costs", r"机关运行经费(?:支出)?", "机关运行经费", _operating_costs),
)
_SUBJECT_RES = tuple((s, re.compile(f"{words}{_END}"), name, find) for s, words, name, find in _SUBJECTS)
_CARRY = re.compile(r"^(?:支出)?(?:年初)?(?:预算安排|预算|决算)(?:数)?(?:为|是)?$")
# words that make a figure a change, last year's, or no level of this year at all
_NOT_LEVEL = re.compile(r"增加|减少|增长|下降|增减|节约|超支|执行数|上年|结转|结余|单价|预留|面向|涉及|累计")
_FUND_WORDS = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算")


def _head(p: Para, i: int) -> str:
    """The words before token i, back to the figure before it or the last punctuation."""
    t = p.tokens[i]
    lo = p.tokens[i - 1].end if i else 0
    text = p.folded[lo : t.start]
    cut = max(text.rfind(ch) for ch in ",:;。、")
    return text[cut + 1 :]


def _sentence_start(p: Para, pos: int) -> int:
    return max(p.folded.rfind(ch, 0, pos) for ch in "。;") + 1


@dataclass(frozen=True)
class Stated:
    """A figure the 说明 states for a subject (a total, a fund, a “三公” part …)."""

    token: Token
    subject: str
    name: str
    final: bool  # a 决算 figure (決算数) rather than its 预算 one
    para: Para


def _stated(filing: Filing, p: Para) -> list[Stated]:
    """The figures the paragraph states for a subject (read once per paragraph)."""
    if p.stated is None:
        p.stated = list(_read_stated(filing, p))
    return p.stated


def _read_stated(filing: Filing, p: Para) -> Iterator[Stated]:
    stage_final = filing.doc.get("stage") == FINAL
    previous: Stated | None = None
    for i, t in enumerate(p.tokens):
        if t.kind != "A":
            continue
        head = _head(p, i)
        if previous is not None and _sentence_start(p, t.start) != _sentence_start(p, previous.token.start):
            previous = None
        if _NOT_LEVEL.search(head) or _other_year(filing, head):
            previous = None
            continue
        hit = next(((s, n) for s, rx, n, _ in _SUBJECT_RES if rx.search(head)), None)
        measure = _FUND_WORDS.sub("", head)
        final = stage_final and ("预算" not in measure or "决算" in measure)
        if hit is not None:
            previous = Stated(t, hit[0], hit[1], final, p)
            yield previous
        elif previous is not None and _CARRY.match(head):
            previous = Stated(t, previous.subject, previous.name, final, p)
            yield previous
        else:
            previous = None


def _other_year(filing: Filing, text: str) -> bool:
    year = filing.year
    return year is not None and any(int(y) != year for y in re.findall(r"(\d{4})年", text))


def _agrees(printed: Token, value: Decimal) -> bool:
    """Equal at the precision printed: within one printed step (rounded or truncated)."""
    return abs(printed.value - value) <= printed.step


def _column_measure_ok(c: Cell, final: bool, stage_final: bool) -> bool:
    """In a 决算, a 预算 figure is compared with 预算数 columns and a 决算 one with the others; a
    “三公” table whose columns do not say which is which (a header row read as a row) is not used."""
    if not stage_final:
        return True
    if "预算数" in c.column or "年初预算" in c.column:
        return not final
    if _is_three_public(c) and "决算数" not in c.column:
        return False
    return final


# ------------------------------------------------------------------ 功能分类 lines


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    start: int
    end: int  # where the line's name ends: its own figure follows


_CODED = re.compile(
    r"([^,;:。、\d()“”]*)\((\d{3})类\)(?:([^,;:。、\d()]*)\((\d{2})款\))?(?:([^,;:。、\d()]*)\((\d{2})项\))?"
)
_QUOTED = re.compile(r"“([^”]+)”科目")
_NAMED = re.compile(r"([^,;:。、\d()“”]+)\(类\)(?:([^,;:。、\d()]+)\(款\))?(?:([^,;:。、\d()]+)\(项\))?")


def _codes(filing: Filing) -> dict[str, list[tuple[Cell, str]]]:
    return _memo(filing, "codes", _build_codes)  # type: ignore[no-any-return]


def _build_codes(filing: Filing) -> dict[str, list[tuple[Cell, str]]]:
    """Function codes with every table figure that can be the line's amount, and their names."""
    out: dict[str, list[tuple[Cell, str]]] = {}
    for c in _cells(filing):
        if not re.fullmatch(r"\d{3}(?:\d{2}){0,2}", c.code):
            continue
        if c.table.kind == FUNCTIONAL:
            ok = c.column == "合计"
        elif c.role in (
            FISCAL_FUNCTIONAL,
            EXPENSE_SPLIT,
            INCOME_SOURCES,
            FINAL_ACCOUNTS,
            GOVERNMENT_FUND,
            STATE_CAPITAL,
        ):
            ok = bool(_FIRST_COL.search(c.column))
        else:
            ok = False
        if ok and not _is_economic(c):
            out.setdefault(c.code, []).append((c, c.label))
    return out


def _names_index(codes: Mapping[str, list[tuple[Cell, str]]]) -> dict[str, set[str]]:
    named: dict[str, set[str]] = {}
    for code, entries in codes.items():
        for _, label in entries:
            named.setdefault(match_key(label), set()).add(code)
    return named


def _by_names(named: Mapping[str, set[str]], names: Sequence[str]) -> str | None:
    """The code of 类[/款[/项]] named so: each looked up under the one before (a 项 under its 类 when
    the 款 is misnamed)."""
    keys = [match_key(n) for n in names if n]
    if not keys:
        return None
    found = [c for c in named.get(keys[0], set()) if len(c) == 3]
    if len(found) != 1:
        return None
    code = found[0]
    for depth, key in enumerate(keys[1:], start=1):
        width = 3 + 2 * depth
        under = [c for c in named.get(key, set()) if len(c) == width and c.startswith(code)]
        if len(under) != 1 and depth == 1 and len(keys) == 3:
            continue  # a misnamed 款: find the 项 under the 类
        if len(under) != 1 and depth == 2:
            under = [c for c in named.get(key, set()) if len(c) == 7 and c.startswith(code[:3])]
        if len(under) != 1:
            return None
        code = under[0]
    return code if len(code) == 3 + 2 * (len(keys) - 1) else None


def _lines(filing: Filing, p: Para) -> list[Line]:
    lines: list[Line] = []
    f = p.folded
    for m in _CODED.finditer(f):
        code = m.group(2) + (m.group(4) or "") + (m.group(6) if m.group(4) and m.group(6) else "")
        name = next((g for g in (m.group(5), m.group(3), m.group(1)) if g), "")
        lines.append(Line(code, _NUMBERING.sub("", name), m.start(), m.end()))
    if not lines:
        for m in _QUOTED.finditer(f):
            names = [n for n in re.split(r"-", m.group(1)) if n]
            code = _by_names(_memo(filing, "named", lambda f: _names_index(_codes(f))), names)
            if code:
                lines.append(Line(code, names[-1], m.start(), m.end()))
    if not lines:
        for m in _NAMED.finditer(f):
            names = [_NUMBERING.sub("", g) for g in m.groups() if g]
            code = _by_names(_memo(filing, "named", lambda f: _names_index(_codes(f))), names)
            if code:
                lines.append(Line(code, names[-1], m.start(), m.end()))
    return lines


# ------------------------------------------------------------------ narrative_mismatch


@_rule("narrative.tables", "narrative_mismatch", Severity.ERROR, "说明中的数字与表中一致")
def check_tables(filing: Filing) -> Iterator[Hit]:
    """A figure the 说明 states for a total, a fund, a 功能分类 line, “三公” or 机关运行经费 is a table's."""
    paras = _paragraphs(filing)
    if not paras:
        return
    codes = _codes(filing)
    first_stated: dict[tuple[str, bool], Stated] = {}
    for p in paras:
        lines = _lines(filing, p)
        if lines:
            yield from _line_figures(filing, p, lines, codes)
        for st in _stated(filing, p):
            if lines and st.token.start >= lines[0].start:
                break
            candidates = _candidates(filing, st)
            if not candidates:
                yield from _stated_twice(st, first_stated)
                continue
            if any(_agrees(st.token, c.value) for c in candidates):
                continue
            best = min(candidates, key=lambda c: abs(c.value - st.token.value))
            yield _hit(
                p,
                st.token.start,
                f"{st.name}写为{st.token.printed}，表“{best.title}”中为{_table_figure(best, st.token)}："
                f"“{_quote(p, st.token.start, st.token.end)}”",
                printed=st.token.value,
                expected=best.value,
                detail=f"{st.name}: {st.token.printed} printed, table {best.title} {best.value}",
            )


_FINDERS = {s: f for s, _, _, f in _SUBJECTS}


def _candidates(filing: Filing, st: Stated) -> list[Cell]:
    """The table cells that can hold what `st` states (built once per subject and run)."""
    found: dict[tuple[str, bool], list[Cell]] = _memo(filing, "candidates", lambda _: {})
    key = (st.subject, st.final)
    if key not in found:
        find, stage_final = _FINDERS[st.subject], filing.doc.get("stage") == FINAL
        found[key] = [c for c in _cells(filing) if find(c) and _column_measure_ok(c, st.final, stage_final)]
    return found[key]


def _level_disagrees(filing: Filing, p: Para, level: Token) -> bool:
    """The figure is one the tables hold otherwise (narrative.tables reports it)."""
    for st in _stated(filing, p):
        if st.token is level:
            cells = _candidates(filing, st)
            return bool(cells) and not any(_agrees(level, c.value) for c in cells)
    return False


# What one figure names, never another part of the filing (`项目支出` may be a fund's too).
_ONCE = frozenset(
    {
        "fiscal_grand_total",
        "grand_total",
        "general_basic",
        "general_expense",
        "fund_expense",
        "capital_expense",
        "fiscal_expense",
        "fiscal_income",
        "income_total",
        "expense_total",
        "tp_total",
        "tp_abroad",
        "tp_car",
        "tp_car_buy",
        "tp_car_run",
        "tp_reception",
        "operating_costs",
    }
)


def _stated_twice(st: Stated, first_stated: dict[tuple[str, bool], Stated]) -> Iterator[Hit]:
    """Where no table holds a figure, two figures the 说明 gives for it agree."""
    if st.subject not in _ONCE:
        return
    first = first_stated.setdefault((st.subject, st.final), st)
    if first is st or abs(first.token.value - st.token.value) <= max(first.token.step, st.token.step):
        return
    where = first.para.at(first.token.start).page
    yield _hit(
        st.para,
        st.token.start,
        f"{st.name}写为{st.token.printed}，第{where}页却写{first.token.printed}："
        f"“{_quote(st.para, st.token.start, st.token.end)}”",
        printed=st.token.value,
        expected=first.token.value,
    )


def _line_figures(
    filing: Filing, p: Para, lines: list[Line], codes: Mapping[str, list[tuple[Cell, str]]]
) -> Iterator[Hit]:
    """A 功能分类 line's own figure (right after its name) and, where the paragraph describes one
    line only, the figure it gives for this year (`2026年预算安排…`, `支出决算为…`)."""
    stage_final = filing.doc.get("stage") == FINAL
    year = filing.year
    for n, line in enumerate(lines):
        limit = lines[n + 1].start if n + 1 < len(lines) else len(p.folded)
        figures: list[tuple[Token, str]] = []
        for i, t in enumerate(p.tokens):
            if t.kind != "A" or not line.end <= t.start < limit:
                continue
            head = _head(p, i)
            gap = p.folded[line.end : t.start]
            if re.fullmatch(r"[”\"]?(?:科目)?(?:支出)?(?:为|是)?", gap):
                figures.append((t, "标题"))
            elif _NOT_LEVEL.search(head):
                continue
            elif stage_final and re.search(r"决算(?:数)?为?$", head) and "预算" not in head:
                figures.append((t, "支出决算"))
            elif not stage_final and year and re.search(rf"{year}年(?:度)?预算(?:安排|数)?为?$", head):
                figures.append((t, f"{year}年预算安排"))
        if not figures:
            continue
        entries = codes.get(line.code, [])
        problems: list[str] = []
        bad: Token | None = None
        for t, what in figures:
            if entries and not any(_agrees(t, c.value) for c, _ in entries):
                best = min((c for c, _ in entries), key=lambda c: abs(c.value - t.value))
                problems.append(f"{what}写{t.printed}，表“{best.title}”中为{_table_figure(best, t)}")
                bad = bad or t
        first, first_what = figures[0]
        if problems and first is not bad:
            problems.insert(0, f"{first_what}写{first.printed}")
        if not problems:
            for t, what in figures[1:]:
                if abs(t.value - first.value) > max(t.step, first.step):
                    problems.append(f"{first_what}写{first.printed}，{what}却写{t.printed}")
                    bad = bad or t
        if problems and bad is not None:
            label = f"{line.name}（{line.code}）"
            yield _hit(
                p,
                bad.start,
                f"{label}{'；'.join(problems)}：“{_quote(p, bad.start, bad.end)}”",
                printed=bad.value,
                expected=entries[0][0].value if entries else first.value,
                detail=f"{label}: " + "; ".join(problems),
            )


@_rule("narrative.parts", "narrative_mismatch", Severity.ERROR, "说明中的合计等于它列出的各部分")
def check_parts(filing: Filing) -> Iterator[Hit]:
    """“三公” 合计 = 因公出国(境) + 公务用车购置及运行 + 公务接待, and 政府采购 = 货物 + 工程 + 服务,
    as the 说明 itself writes them (each part rounded on its own: one printed step per part)."""
    for p in _paragraphs(filing):
        yield from _procurement_parts(p)
    yield from _three_public_parts(filing)


_PROCUREMENT = re.compile(
    r"政府采购(?:预算|金额)[^⟨;。]*?⟨A(\d+)⟩,?其中:(?:[^⟨;。]*?货物[^⟨;。]*?⟨A(\d+)⟩)"
    r"[^⟨;。]*?工程[^⟨;。]*?⟨A(\d+)⟩[^⟨;。]*?服务[^⟨;。]*?⟨A(\d+)⟩"
)


def _procurement_parts(p: Para) -> Iterator[Hit]:
    for m in _PROCUREMENT.finditer(p.coded):
        total, *parts = (p.tokens[int(g)] for g in m.groups())
        yield from _sum_check(p, total, parts, "政府采购", "货物、工程、服务")


def _sum_check(p: Para, total: Token, parts: Sequence[Token], what: str, names: str) -> Iterator[Hit]:
    got = sum((t.value for t in parts), Decimal(0))
    # each figure within its printed step; a printed 0 is exactly nothing
    tolerance = sum((t.step for t in (total, *parts) if t.value), Decimal(0))
    if abs(got - total.value) > tolerance:
        yield _hit(
            p,
            total.start,
            f"{what}合计写为{total.printed}，{names}之和为{_wan(got, total.step)}："
            f"“{_quote(p, total.start, total.end)}”",
            printed=total.value,
            expected=got,
        )


def _three_public_parts(filing: Filing) -> Iterator[Hit]:
    """The “三公” total and its three parts, where they stand in the 说明 (one or more paragraphs)."""
    stated: dict[tuple[str, bool], Stated] = {}
    for p in _paragraphs(filing):
        for st in _stated(filing, p):
            if st.subject in ("tp_total", "tp_abroad", "tp_car", "tp_reception"):
                stated.setdefault((st.subject, st.final), st)
    for final in (False, True):
        total = stated.get(("tp_total", final))
        parts = [stated.get((s, final)) for s in ("tp_abroad", "tp_car", "tp_reception")]
        if total is None or any(x is None for x in parts):
            continue
        yield from _sum_check(
            total.para,
            total.token,
            [x.token for x in parts if x],
            "“三公”经费",
            "因公出国（境）费、公务用车购置及运行费、公务接待费",
        )


# ------------------------------------------------------------------ narrative_logic

_NO_FIG = r"(?:(?!⟨)[^,;。])*?"
_NO_FIG_S = r"(?:(?!⟨|增加|减少|增长|下降)[^;。])*?"
_WORD = r"(增加|减少|增长|下降|上升|降低)"
_PAREN = r"(?:\([^)]*\))?"
_TWO_LEVELS = re.compile(rf"⟨A(\d+)⟩,{_NO_FIG_S}⟨A(\d+)⟩,?(?:比|较){_NO_FIG}{_WORD}{_PAREN}⟨P(\d+)⟩")
_LEVEL_CHANGE = re.compile(
    rf"⟨A(\d+)⟩(?:,{_NO_FIG}(?:比|较|与|同){_NO_FIG}|[,。]与{_NO_FIG}相比,{_NO_FIG}){_WORD}⟨A(\d+)⟩"
    rf"(?:,{_WORD}{_PAREN}⟨P(\d+)⟩)?"
)
_BUDGET_FINAL = rf"预算(?:数)?为?⟨A(\d+)⟩,{_NO_FIG}决算(?:数)?为?⟨A(\d+)⟩"
_COMPLETION = re.compile(rf"{_BUDGET_FINAL}[,。]?完成(?:年初|全年)?预算(?:数)?(?:的)?⟨P(\d+)⟩")
# `决算数与预算数基本持平` allows a difference of unknown size: not checked
_VERDICT = re.compile(
    r"决算数(?:(小于|大于|低于|高于|等于)(?:年初|全年)?预算数|(?:同|与)(?:年初|全年)?预算数(持平|一致|相同))"
)
_SHARE = re.compile(r"⟨A(\d+)⟩,占(?:([^,;。⟨]*?)的)?⟨P(\d+)⟩")


def _bounds(t: Token) -> tuple[Decimal, Decimal]:
    half = t.step / 2
    return t.value - half, t.value + half


def _ratio_range(
    fn: Callable[[Decimal, Decimal], Decimal | None], a: Token, b: Token
) -> tuple[Decimal, Decimal] | None:
    values = []
    for x in _bounds(a):
        for y in _bounds(b):
            v = fn(x, y)
            if v is None:
                return None
            values.append(v)
    return min(values), max(values)


def _pct_ok(printed: Token, span: tuple[Decimal, Decimal]) -> bool:
    lo, hi = span
    return lo - printed.step <= printed.value <= hi + printed.step


def _change_rate(base: Decimal, cur: Decimal) -> Decimal | None:
    return None if base <= 0 else abs(cur - base) / base * HUNDRED


def _fits_another(p: Para, pct: Token, base: Token, cur: Token) -> bool:
    """The percentage follows from another figure the paragraph gives for this year (a line's
    heading 208.8万元 where the text then says 201.50万元): the figures disagree, and
    narrative.tables reports that, not the percentage."""
    for t in p.tokens:
        if t.kind == "A" and t is not base and t is not cur:
            span = _ratio_range(_change_rate, base, t)
            if span and _pct_ok(pct, span):
                return True
    return False


def _growth(base: Decimal, cur: Decimal) -> Decimal | None:
    return None if base <= 0 else (cur - base) / base * HUNDRED


_LAST_YEAR_WORDS = re.compile(r"执行|上年|上一年|以前年度")


def _last_years(filing: Filing, p: Para, i: int) -> bool:
    """Token i is last year's figure by its words (`2025年当年预算执行数为…`)."""
    head = _head(p, i)
    year = filing.year
    return bool(_LAST_YEAR_WORDS.search(head)) or (year is not None and f"{year - 1}年" in head)


def _two_levels(filing: Filing, p: Para) -> Iterator[tuple[Token, Token, str, Token]]:
    """`上年…A万元，本年…B万元，比…增加P%`: last year's figure, this year's, the word and the percentage."""
    for m in _TWO_LEVELS.finditer(p.coded):
        i, j = int(m.group(1)), int(m.group(2))
        if _last_years(filing, p, i) and not _last_years(filing, p, j):
            yield p.tokens[i], p.tokens[j], m.group(3), p.tokens[int(m.group(4))]


def _level_changes(filing: Filing, p: Para) -> Iterator[tuple[Token, str, Token, re.Match[str]]]:
    """`本年A万元，比上年增加D万元[，增长P%]`: this year's level, the word and the change."""
    for m in _LEVEL_CHANGE.finditer(p.coded):
        i = int(m.group(1))
        if not _last_years(filing, p, i):
            yield p.tokens[i], m.group(2), p.tokens[int(m.group(3))], m


@_rule("narrative.words", "narrative_logic", Severity.ERROR, "说明的增减用词与数字一致")
def check_words(filing: Filing) -> Iterator[Hit]:
    """`0万元，比上年增加…` (last year's would be below zero), a fall called 增加 or a rise called
    减少, `决算数小于预算数` where it is not."""
    for p in _paragraphs(filing):
        c = p.coded
        for level, word, change, _ in _level_changes(filing, p):
            if word in _UP and change.value > level.value + level.step + change.step:
                yield _hit(
                    p,
                    level.start,
                    f"{level.printed}却称{word}{change.printed}"
                    f"（上年应为{_wan(level.value - change.value)}，不可能为负）："
                    f"“{_quote(p, level.start, change.end)}”",
                    printed=change.value,
                    expected=level.value,
                )
        for base, cur, word, pct in _two_levels(filing, p):
            if (word in _UP and cur.value < base.value) or (word in _DOWN and cur.value > base.value):
                rel = "<" if cur.value < base.value else ">"
                ratio = 1 + (1 if word in _UP else -1) * pct.value / HUNDRED
                hint = (
                    f"（按{word}{pct.printed}推算上年应约为{_wan(cur.value / ratio, base.step)}）"
                    if ratio > 0
                    else ""
                )
                yield _hit(
                    p,
                    base.start,
                    f"{cur.printed} {rel} {base.printed}，却称{word}{pct.printed}{hint}："
                    f"“{_quote(p, base.start, pct.end)}”",
                    printed=f"{word}{pct.printed}",
                    expected=_pct_text(_growth(base.value, cur.value)),
                )
        for m in re.finditer(_BUDGET_FINAL, c):
            budget, final = p.tokens[int(m.group(1))], p.tokens[int(m.group(2))]
            v = _VERDICT.search(c, m.end())
            if v is None or "⟨A" in c[m.end() : v.start()]:
                continue  # no verdict, or one about another figure
            said = v.group(1) or v.group(2)
            diff = final.value - budget.value
            tol = final.step + budget.step
            wrong = (
                (said in ("小于", "低于") and diff >= 0)
                or (said in ("大于", "高于") and diff <= 0)
                or (said in ("持平", "一致", "相同", "等于") and abs(diff) > tol)
            )
            if wrong:
                yield _hit(
                    p,
                    final.start,
                    f"预算{budget.printed}、决算{final.printed}，却称决算数{v.group(0)[3:]}："
                    f"“{_quote(p, budget.start, final.end)}”",
                    printed=final.value,
                    expected=budget.value,
                )


def _pct_text(v: Decimal | None) -> str:
    return "无从计算" if v is None else _pct(v)


@_rule("narrative.percent", "narrative_logic", Severity.ERROR, "说明的百分比由它所说的两个数得出")
def check_percent(filing: Filing) -> Iterator[Hit]:
    """比…增加/减少P%, 增长P% after a change, 完成预算的P%, 占P%: the percentage follows from the figures
    printed beside it (within their rounding and one unit of the percentage's last digit)."""
    paras = _paragraphs(filing)
    for p in paras:
        yield from _percent_paragraph(filing, paras, p)


def _percent_paragraph(filing: Filing, paras: Sequence[Para], p: Para) -> Iterator[Hit]:
    c = p.coded
    tok = p.tokens
    for base, cur, word, pct in _two_levels(filing, p):
        if (word in _UP and cur.value < base.value) or (word in _DOWN and cur.value > base.value):
            continue  # the words are wrong: narrative.words says so
        span = _ratio_range(_change_rate, base, cur)
        if span and not _pct_ok(pct, span) and not _fits_another(p, pct, base, cur):
            yield _hit(
                p,
                pct.start,
                f"由{base.printed}到{cur.printed}，"
                f"{word}{_pct(abs(cur.value - base.value) / base.value * HUNDRED)}，"
                f"却写{word}{pct.printed}：“{_quote(p, base.start, pct.end)}”",
                printed=pct.value,
                expected=(abs(cur.value - base.value) / base.value * HUNDRED).quantize(Decimal("0.01")),
            )
    for level, word, change, m in _level_changes(filing, p):
        if m.group(5) is None:
            continue
        pct = tok[int(m.group(5))]
        up = word in _UP

        def rate(lv: Decimal, ch: Decimal, up: bool = up) -> Decimal | None:
            base = lv - ch if up else lv + ch
            return None if base <= 0 else ch / base * HUNDRED

        span = _ratio_range(rate, level, change)
        if span and not _pct_ok(pct, span) and not _level_disagrees(filing, p, level):
            last = level.value - change.value if up else level.value + change.value
            yield _hit(
                p,
                pct.start,
                f"{level.printed}比上年{word}{change.printed}，上年为{_wan(last)}，应为"
                f"{_pct(change.value / last * HUNDRED)}，却写{pct.printed}："
                f"“{_quote(p, level.start, pct.end)}”",
                printed=pct.value,
                expected=(change.value / last * HUNDRED).quantize(Decimal("0.01")),
            )
    for m in _COMPLETION.finditer(c):
        budget, final, pct = tok[int(m.group(1))], tok[int(m.group(2))], tok[int(m.group(3))]
        span = _ratio_range(lambda x, y: None if x <= 0 else y / x * HUNDRED, budget, final)
        if span and not _pct_ok(pct, span):
            yield _hit(
                p,
                pct.start,
                f"决算{final.printed}÷预算{budget.printed}={_pct(final.value / budget.value * HUNDRED)}，"
                f"却写完成{pct.printed}：“{_quote(p, budget.start, pct.end)}”",
                printed=pct.value,
                expected=(final.value / budget.value * HUNDRED).quantize(Decimal("0.01")),
            )
    yield from _shares(paras, p)


def _shares(paras: Sequence[Para], p: Para) -> Iterator[Hit]:
    """占P%: of the total the words name (a figure stated earlier for it), else of the paragraph's
    first figure when the share's figure is a later one, else of the shares' figures together
    when the paragraph's shares add up to 100%."""
    c = p.coded
    tok = p.tokens
    found = [(tok[int(m.group(1))], m.group(2), tok[int(m.group(3))], m) for m in _SHARE.finditer(c)]
    if not found:
        return
    first = next((t for t in tok if t.kind == "A"), None)
    parts_sum = sum((a.value for a, _, _, _ in found), Decimal(0))
    shares_sum = sum((s.value for _, _, s, _ in found), Decimal(0))
    for part, named, share, _ in found:
        base: Token | None = None
        base_value: Decimal | None = None
        if named:
            base = _named_figure(paras, p, named, part.start)
        elif first is not None and first.start < part.start and all(first is not a for a, _, _, _ in found):
            base = first  # the total the paragraph opens with (it has no share of its own)
        elif abs(shares_sum - HUNDRED) <= Decimal(len(found)) * share.step and parts_sum > 0:
            base_value = parts_sum
        if base is not None:
            span = _ratio_range(lambda x, y: None if y <= 0 else x / y * HUNDRED, part, base)
            base_value = base.value
        elif base_value is not None:
            lo, hi = _bounds(part)
            span = (lo / base_value * HUNDRED, hi / base_value * HUNDRED) if base_value > 0 else None
        else:
            continue
        if span and not _pct_ok(share, span):
            yield _hit(
                p,
                share.start,
                f"{part.printed}占{_wan(base_value)}的{_pct(part.value / base_value * HUNDRED)}，"
                f"却写占{share.printed}：“{_quote(p, part.start, share.end)}”",
                printed=share.value,
                expected=(part.value / base_value * HUNDRED).quantize(Decimal("0.01")),
            )


def _named_figure(paras: Sequence[Para], p: Para, named: str, before: int) -> Token | None:
    """The figure printed right after the words `named` (`本年支出合计`), in this paragraph before
    the share or in an earlier one."""
    key = named.translate(_FOLD)
    for q in paras:
        for i, t in enumerate(q.tokens):
            if q is p and t.start >= before:
                return None
            if t.kind == "A" and re.search(f"{re.escape(key)}(?:为|是)?$", _head(q, i)):
                return t
        if q is p:
            return None
    return None


# ------------------------------------------------------------------ year_mismatch

_COMPARED = re.compile(r"(?:比|较|与|同|对比)(\d{4})年")
# a year stating figures: this year's or last year's, nothing else
_STATED_YEAR = re.compile(
    r"(?<![比较与同至截])(\d{4})年(?:度)?(?:当年)?(?:部门)?"
    r"(?:预算|决算|收入|支出|财政拨款|一般公共预算|“三公”|\"三公\"|机关运行经费|政府采购)"
)
_EXECUTED = re.compile(r"(?<![比较与同])(\d{4})年(?:度)?(?:当年)?预算执行数")
# a heading or cover naming the filing itself: `2026年部门预算编制说明`, `2024年度部门决算`
# the date a 决算's assets are counted at is the end of its year; a budget's is in the year before
_AS_OF = re.compile(r"截至(\d{4})年(\d{1,2})月(\d{1,2})日")
_TITLE_YEAR = re.compile(r"(\d{4})年(?:度)?(?:区级)?部门(?:预算|决算)")


def _year_checks(p: Para, year: int, final: bool) -> Iterator[tuple[re.Match[str], int, str]]:
    f = p.folded
    for m in _COMPARED.finditer(f):
        if int(m.group(1)) != year - 1:
            yield m, year - 1, "比较的应是上一年"
    compared = {m.start(1) for m in _COMPARED.finditer(f)}
    figures = any(t.kind == "A" for t in p.tokens)
    for m in _STATED_YEAR.finditer(f if figures else ""):  # only where figures are stated
        if f.count("《", 0, m.start()) > f.count("》", 0, m.start()):
            continue  # in the title of a document cited
        if m.start(1) not in compared and int(m.group(1)) not in (year, year - 1):
            yield m, year, "应为本年度或上一年"
    if not final:
        for m in _EXECUTED.finditer(f):
            if int(m.group(1)) != year - 1:
                yield m, year - 1, "上年执行数应为上一年"
    for m in _AS_OF.finditer(f):
        got = int(m.group(1))
        if final and (got, m.group(2), m.group(3)) != (year, "12", "31"):
            yield m, year, "决算的资产统计日应为本年度12月31日"
        elif not final and got not in (year, year - 1):
            yield m, year - 1, "应为本年度或上一年"
    if len(f) <= 40 and "," not in f:
        for m in _TITLE_YEAR.finditer(f):
            if int(m.group(1)) != year:
                yield m, year, "标题应为本年度"


@_rule("narrative.year", "year_mismatch", Severity.ERROR, "说明中的年份为预算年度或上一年")
def check_years(filing: Filing) -> Iterator[Hit]:
    """A budget (决算) of year Y compares with Y−1 (`比Y−1年预算`), states figures of Y or Y−1 only,
    last year's execution for Y−1, and its headings name Y; dates (`截至…`), periods
    (`实施周期…`) and documents cited (`《…2024年…》`) are not checked."""
    year = filing.year
    if year is None:
        return
    final = filing.doc.get("stage") == FINAL
    for p in _paragraphs(filing):
        seen: set[int] = set()
        for m, want, why in _year_checks(p, year, final):
            if m.start() in seen:
                continue
            seen.add(m.start())
            got = int(m.group(1))
            yield _hit(
                p,
                m.start(),
                f"{year}年{'决算' if final else '预算'}写“{p.text[m.start() : m.end()]}”，"
                f"{why}（{want}年）：“{_quote(p, m.start(), m.end())}”",
                printed=str(got),
                expected=str(want),
            )


# ------------------------------------------------------------------ template_remnant

_TEMPLATE = (
    (
        re.compile(r"(?<![A-Za-z])[xX]{1,3}(?:,[xX]{3})+(?:\.[xX]+)?|(?<![A-Za-z])[xX]\.[xX]{2}(?![A-Za-z])"),
        "金额占位符",
    ),
    (re.compile(r"(?<![A-Za-z])[XxＸｘ×]{2,}(?![A-Za-z])"), "占位符"),
    (re.compile(r"目标\s*\d\s*[:：]\s*目标\s*\d\s*[:：]"), "目标占位"),
    (re.compile(r"(?:增加|增长|下降|减少)\((?:增加|增长|下降|减少)\)"), "模板中的二选一未选"),
)


@_rule("narrative.template", "template_remnant", Severity.WARNING, "说明中没有模板残留")
def check_template(filing: Filing) -> Iterator[Hit]:
    """`XX局`, `XXX万元`, `x,xxx万元`, `目标1:目标2:`, `下降（增长）` left from the template.

    A doubled full stop is a slip of its own (narrative.punctuation, not an anomaly) unless the
    说明 shows template text left elsewhere: then it is where template text was cut, and counts.
    """
    hits: list[Hit] = []
    paras = _paragraphs(filing)
    for p in paras:
        seen: list[tuple[int, int]] = []
        by_page: dict[int, list[tuple[re.Match[str], str]]] = {}
        for pattern, what in _TEMPLATE:
            for m in pattern.finditer(p.folded):
                if any(lo < m.end() and m.start() < hi for lo, hi in seen):
                    continue  # `x,xxx` is one placeholder, not also an `xxx`
                seen.append((m.start(), m.end()))
                by_page.setdefault(p.at(m.start()).page, []).append((m, what))
        for found in by_page.values():  # one finding per paragraph and page, naming every remnant
            found.sort(key=lambda x: x[0].start())
            first = found[0][0]
            texts = list(dict.fromkeys(f"“{p.text[m.start() : m.end()]}”（{what}）" for m, what in found))
            more = f"等{len(found)}处" if len(found) > 3 else ""
            hits.append(
                _hit(
                    p,
                    first.start(),
                    f"模板残留{'、'.join(texts[:3])}{more}：“{_quote(p, first.start(), first.end())}”",
                    printed="、".join(dict.fromkeys(p.text[m.start() : m.end()] for m, _ in found)),
                )
            )
    if hits:
        for p in paras:
            for m in _DOUBLE_STOP.finditer(p.text):
                hits.append(
                    _hit(
                        p,
                        m.start(),
                        f"模板文字删后留下“{m.group(0)}”（说明中另有模板残留）："
                        f"“{_quote(p, m.start(), m.end(), 15)}”",
                        printed=m.group(0),
                    )
                )
    yield from hits


_DOUBLE_STOP = re.compile(r"。{2,}")


@_rule("narrative.punctuation", "punctuation", Severity.INFO, "说明中的标点")
def check_punctuation(filing: Filing) -> Iterator[Hit]:
    """A doubled full stop (`支出。。2025年`): a slip to tidy, not an anomaly of SCHEMA.md."""
    for p in _paragraphs(filing):
        for m in _DOUBLE_STOP.finditer(p.text):
            yield _hit(p, m.start(), f"句号重复：“{_quote(p, m.start(), m.end(), 15)}”", printed=m.group(0))
