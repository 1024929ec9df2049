"""Which rows of a table a total covers, read from the rows themselves.

A printed table says how its rows add up in four ways, and every table of a filing (a
收支总表, a grid of any role) is read with the same four:

- codes: a 类 (3 digits) is the sum of its 款 (5), a 款 of its 项 (7); economic codes the
  same (301 = Σ 30101…).  A code's parent is its nearest printed prefix, so a 项 whose 款 is
  not printed still counts under its 类;
- groups: a label printed under a merged group cell is `group/label`; `group/小计` is the sum
  of that group's other rows, and counts as one row of the table around it;
- numbering: `一、` lines are items, `（一）` / `1.` lines under one of them its parts.  The
  numbering may restart for a second breakdown of the same money (a 收支总表 lists its
  expense by function, then again as 一、基本支出 二、项目支出); each breakdown must add up
  to the total that closes it.  Numbering that restarts right under an unnumbered line
  (`年初结转和结余` then 一、二、三、) breaks down that line;
- total words: 小计 < `X合计` < 合计 < `X总计` < 总计.  A total covers the items since the
  last total of its own rank or above, plus the lower totals in between as one item each
  (`当年收入小计` closes the numbered lines and is one item of the `收入合计` after it, next
  to `上年结转`); a total printed before any item (a 合计 line at the top) covers the whole
  block.  `其中` lines pick out part of the line above: never an item, never a total.

Where the structure leaves a doubt (an unnumbered line among numbered ones may be a part of
the numbered line above or an item of its own), a total is given every reading the structure
allows and is wrong only when none of them adds up: a false finding costs a reviewer more than
the rare error hidden this way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from budget_filing.text import nfkc

_PART_OF = re.compile(r"^其中")
_SIDE_WORDS = re.compile(r"^(?:收入|支出)")
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN = "一二三四五六七八九十百零〇"
# (rank, pattern): 一、 > （一） > 1. > （1）; a deeper rank is a part of the nearest shallower line.
_NUMBERING: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^([{_CN}]+)[、.．]")),
    (2, re.compile(rf"^\(([{_CN}]+)\)[、.．]?")),
    (3, re.compile(r"^(\d+)[、.．](?!\d)")),
    (4, re.compile(r"^\((\d+)\)[、.．]?")),
)


def chinese_number(text: str) -> int:
    """一 → 1, 十三 → 13, 二十四 → 24, 一百零五 → 105 (0 when unreadable)."""
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return 0
    return total + current


def numbering(label: str) -> tuple[int, int] | None:
    """(rank, ordinal) of a numbered label: `一、` → (1, 1), `（三）` → (2, 3), `2.` → (3, 2)."""
    for rank, pattern in _NUMBERING:
        m = pattern.match(label)
        if m:
            value = m.group(1)
            return rank, int(value) if value.isdigit() else chinese_number(value)
    return None


def own_label(label: object) -> str:
    """The row's own words: NFKC, no spaces, without its group (`一般公共预算资金/小计` → `小计`)."""
    text = nfkc(label)  # NFKC and no whitespace already
    return text.rsplit("/", 1)[-1] if "/" in text else text


def group_of(label: object) -> str:
    text = nfkc(label)
    return text.rsplit("/", 1)[0] if "/" in text.strip("/") else ""


def total_rank(label: object) -> int:
    """0 for a line that is no total; else 1 小计, 2 `X合计`, 3 合计, 4 `X总计`, 5 总计.

    `收入合计` / `支出总计` are bare words: the side is no qualifier.
    """
    text = own_label(label)
    if not text or _PART_OF.match(text):
        return 0
    bare = _SIDE_WORDS.sub("", text)
    if "总计" in text:
        return 5 if bare == "总计" else 4
    if "合计" in text:
        return 3 if bare == "合计" else 2
    if "小计" in text:
        return 1
    return 0


def is_part_of(label: object) -> bool:
    return bool(_PART_OF.match(own_label(label)))


def digits_code(code: object) -> str:
    text = nfkc(code)
    return text if text.isdigit() else ""


@dataclass(frozen=True)
class Check:
    """`total` must equal the sum of one of `readings` (row indices); `what` names the parts.

    `heading`: the total is a line with parts under it (a code, a numbered line), which some
    layouts print blank as a heading over its parts; blank, it is no finding.
    """

    total: int
    readings: tuple[tuple[int, ...], ...]
    what: str
    heading: bool = False


@dataclass
class _Entry:
    index: int
    kind: str  # "numbered", "plain", "coded", "group"
    loose: bool = False  # an unnumbered line printed while a numbered one was open
    code: str = ""


@dataclass
class _Open:
    rank: int
    index: int
    children: list[int] = field(default_factory=list)
    loose: list[int] = field(default_factory=list)


def _readings(entries: Sequence[_Entry], lower: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """Every way the items of one breakdown (plus the lower totals before it) may add up."""
    base = tuple(lower)
    found: list[tuple[int, ...]] = []
    kinds = {e.kind for e in entries}
    strict = base + tuple(e.index for e in entries if not e.loose)
    found.append(strict)
    found.append(base + tuple(e.index for e in entries))
    if "numbered" in kinds and len(kinds) > 1:
        found.append(base + tuple(e.index for e in entries if e.kind == "numbered"))
    if "coded" in kinds and len(kinds) > 1:
        found.append(base + tuple(e.index for e in entries if e.kind == "coded"))
    if any(e.code for e in entries):
        # a code printed again (a project list: the 项 line, then its projects under the same
        # code) counts once
        seen: set[str] = set()
        once = []
        for e in entries:
            if not e.code or e.code not in seen:
                once.append(e.index)
                seen.add(e.code)
        found.append(base + tuple(once))
    return tuple(dict.fromkeys(r for r in found if r))


def block_checks(
    rows: Sequence[Mapping[str, Any]],
    indices: Sequence[int],
    label: Callable[[Mapping[str, Any]], object],
    code: Callable[[Mapping[str, Any]], object] | None = None,
) -> list[Check]:
    """The sums one block of rows (a table, or one side of it) must hold, in printed order."""
    checks: list[Check] = []
    hidden: set[int] = set()
    as_item: set[int] = set()  # group totals: one item of the block, not a total of it

    # ---- groups: `g/小计` = Σ g's other rows
    groups: dict[str, list[int]] = {}
    for i in indices:
        g = group_of(label(rows[i]))
        if g:
            groups.setdefault(g, []).append(i)
    for members in groups.values():
        totals = [i for i in members if total_rank(label(rows[i]))]
        parts = [i for i in members if i not in totals and not is_part_of(label(rows[i]))]
        if totals:
            if parts:
                checks.append(Check(totals[0], (tuple(parts),), "本组各行"))
            hidden.update(i for i in members if i != totals[0])
            as_item.add(totals[0])

    # ---- codes: a code = Σ the codes printed under it
    if code is not None:
        coded = [(i, digits_code(code(rows[i]))) for i in indices if i not in hidden]
        coded = [(i, c) for i, c in coded if c]
        known = {c for _, c in coded}
        children: dict[str, list[int]] = {}
        first: dict[str, int] = {}
        for i, c in coded:
            first.setdefault(c, i)
            parent = next((c[:n] for n in range(len(c) - 1, 0, -1) if c[:n] in known), None)
            if parent is not None:
                children.setdefault(parent, []).append(i)
                hidden.add(i)
        for c, i in first.items():
            if c in children:
                checks.append(Check(i, (tuple(children[c]),), "按科目编码"))

    # ---- numbering and total words
    seen_item = False
    leading: int | None = None
    pending: list[tuple[int, int]] = []  # (row, rank) of totals not yet covered by a higher one
    breakdowns: list[list[_Entry]] = [[]]
    stack: list[_Open] = []
    last_top: dict[int, int] = {}  # rank -> ordinal of the last top-level numbered line
    ranks_seen: set[int] = set()
    previous: _Entry | None = None

    def close_parents() -> None:
        for entry in stack:
            if entry.children:
                readings = (tuple(entry.children), tuple(entry.children + entry.loose))
                checks.append(Check(entry.index, tuple(dict.fromkeys(readings)), "其下各行"))
        stack.clear()

    def close_segment(total: int | None, rank: int) -> list[int]:
        close_parents()
        lower = [t for t, r in pending if r < rank]
        if total is not None:
            filled = [b for b in breakdowns if b]
            for entries in filled:
                checks.append(Check(total, _readings(entries, lower), "所列各行"))
            if not filled and len(lower) > 1:
                checks.append(Check(total, (tuple(lower),), "所列各行"))
        return lower

    for i in indices:
        if i in hidden:
            continue
        text = own_label(label(rows[i]))
        if is_part_of(text):
            continue
        rank = 0 if i in as_item else total_rank(label(rows[i]))
        if rank:
            if not seen_item and not pending and leading is None:
                leading = i
                continue
            if not any(breakdowns) and not [t for t, r in pending if r < rank]:
                # A total straight after a total of its rank or above covers nothing new.
                pending.append((i, rank))
                continue
            lower = close_segment(i, rank)
            pending[:] = [(t, r) for t, r in pending if t not in lower] + [(i, rank)]
            breakdowns = [[]]
            last_top.clear()
            previous = None
            continue
        seen_item = True
        number = numbering(text) if i not in as_item else None
        if number is None:
            digits = digits_code(code(rows[i])) if code is not None else ""
            kind = "group" if i in as_item else ("coded" if digits else "plain")
            entry = _Entry(i, kind, loose=bool(stack), code=digits)
            for opened in stack:
                opened.loose.append(i)
            breakdowns[-1].append(entry)
            previous = entry
            continue
        r, n = number
        while stack and stack[-1].rank >= r:
            done = stack.pop()
            if done.children:
                readings = (tuple(done.children), tuple(done.children + done.loose))
                checks.append(Check(done.index, tuple(dict.fromkeys(readings)), "其下各行"))
        if stack:
            stack[-1].children.append(i)
            stack.append(_Open(r, i))
            previous = None
            continue
        restart = r in last_top and n <= last_top[r]
        under_plain = (
            previous is not None
            and previous.kind == "plain"
            and n == 1
            and (restart or r in ranks_seen)
            and breakdowns[-1]
            and breakdowns[-1][-1] is previous
        )
        if under_plain and previous is not None:
            # 年初结转和结余 / 一、… 二、…: the numbered lines break the plain line down.
            stack.append(_Open(0, previous.index, children=[i]))
            stack.append(_Open(r, i))
            previous = None
            continue
        if restart:
            close_parents()
            breakdowns.append([])
        last_top[r] = n
        ranks_seen.add(r)
        entry = _Entry(i, "numbered")
        breakdowns[-1].append(entry)
        stack.append(_Open(r, i))
        previous = entry

    close_parents()
    if leading is not None:
        rank = total_rank(label(rows[leading]))
        lower = [t for t, r in pending if r < rank]
        filled = [b for b in breakdowns if b]
        for entries in filled:
            checks.append(Check(leading, _readings(entries, lower), "所列各行"))
        if not filled and lower:
            checks.append(Check(leading, (tuple(lower),), "所列各行"))
    return _with_headings(checks)


_PARENTS = ("按科目编码", "其下各行")


def _with_headings(checks: list[Check]) -> list[Check]:
    """Each sum read once more with every line that has parts replaced by its parts: a line
    printed blank as a heading (一、本年收入 over its （一）（二）) adds up through them."""
    children = {c.total: c.readings[0] for c in checks if c.what in _PARENTS}
    if not children:
        return checks

    def leaves(i: int, seen: frozenset[int] = frozenset()) -> tuple[int, ...]:
        if i not in children or i in seen:
            return (i,)
        return tuple(j for k in children[i] for j in leaves(k, seen | {i}))

    result = []
    for c in checks:
        flat = tuple(tuple(j for i in r for j in leaves(i)) for r in c.readings)
        readings = tuple(dict.fromkeys((*c.readings, *flat)))
        result.append(Check(c.total, readings, c.what, heading=c.what in _PARENTS))
    return result


def grand_total(
    rows: Sequence[Mapping[str, Any]], indices: Sequence[int], label: Callable[[Mapping[str, Any]], object]
) -> tuple[int, int] | None:
    """(row, rank) of the block's highest total (the last of them when printed twice), or None."""
    best: tuple[int, int] | None = None
    for i in indices:
        if group_of(label(rows[i])):
            continue
        rank = total_rank(label(rows[i]))
        if rank and (best is None or rank >= best[1]):
            best = (i, rank)
    return best
