"""Page geometry: ruled grids, their (merged) cells, and the free text lines around them.

A filing's tables are spreadsheets printed with a border on every cell. We rebuild each
table from its ruling lines rather than trusting a generic table finder, because a merged
cell that runs over a page break is printed without its top (or bottom) border on the
continuation page; a finder that needs four corners per cell loses those cells, while a
grid built from all row and column lines keeps them.

Everything here is plain geometry on pdfplumber's object dicts: nothing knows about
budgets.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Lines closer than this (points) are one line: borders drawn twice, or rounding.
SNAP = 1.5
# A border must cover this share of a cell side to separate two cells.
COVER = 0.5
# Rects thinner than this are drawn borders, not boxes.
THIN = 2.5

Obj = dict[str, Any]


@dataclass
class TextLine:
    """A run of characters outside every grid, on one baseline (a title, a unit line, ...)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def bbox(self) -> list[float]:
        return [round(self.x0, 2), round(self.top, 2), round(self.x1, 2), round(self.bottom, 2)]


@dataclass
class Cell:
    """A merged cell: its bbox, the grid rows/columns it spans (end exclusive), its text."""

    x0: float
    top: float
    x1: float
    bottom: float
    r0: int
    r1: int
    c0: int
    c1: int
    chars: list[Obj] = field(default_factory=list, repr=False)
    text: str = ""

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Grid:
    """One ruled table on one page."""

    xs: list[float]
    ys: list[float]
    cells: list[Cell]
    # cell index per elementary (row, column) position
    index: list[list[int]] = field(repr=False, default_factory=list)

    @property
    def x0(self) -> float:
        return self.xs[0]

    @property
    def x1(self) -> float:
        return self.xs[-1]

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]

    @property
    def nrows(self) -> int:
        return len(self.ys) - 1

    def row_cells(self, r: int) -> list[Cell]:
        """The cells covering grid row r, left to right (merged cells appear in every row)."""
        seen: dict[int, None] = dict.fromkeys(self.index[r])
        return [self.cells[i] for i in seen]

    def contains(self, x: float, y: float) -> bool:
        return self.x0 - 1 <= x <= self.x1 + 1 and self.top - 1 <= y <= self.bottom + 1


# ---------------------------------------------------------------- ruling lines


@dataclass
class _Seg:
    pos: float
    start: float
    end: float


def _segments(lines: Iterable[Obj], rects: Iterable[Obj]) -> tuple[list[_Seg], list[_Seg]]:
    """Horizontal and vertical border segments from line and rect objects."""
    hs: list[_Seg] = []
    vs: list[_Seg] = []

    def add(x0: float, top: float, x1: float, bottom: float) -> None:
        if bottom - top <= THIN and x1 - x0 > THIN:
            hs.append(_Seg((top + bottom) / 2, x0, x1))
        elif x1 - x0 <= THIN and bottom - top > THIN:
            vs.append(_Seg((x0 + x1) / 2, top, bottom))

    for o in lines:
        add(o["x0"], o["top"], o["x1"], o["bottom"])
    for o in rects:
        x0, top, x1, bottom = o["x0"], o["top"], o["x1"], o["bottom"]
        if bottom - top <= THIN or x1 - x0 <= THIN:
            add(x0, top, x1, bottom)
        elif o.get("stroke"):
            # a stroked box: its four sides are borders; a filled box is only a background
            add(x0, top, x1, top)
            add(x0, bottom, x1, bottom)
            add(x0, top, x0, bottom)
            add(x1, top, x1, bottom)
    return _merge(hs), _merge(vs)


def _merge(segs: list[_Seg]) -> list[_Seg]:
    """Collinear, overlapping or touching segments joined; positions snapped together."""
    segs.sort(key=lambda s: (s.pos, s.start))
    out: list[_Seg] = []
    groups: list[list[_Seg]] = []
    for s in segs:
        if groups and s.pos - groups[-1][0].pos <= SNAP:
            groups[-1].append(s)
        else:
            groups.append([s])
    for g in groups:
        pos = sum(s.pos for s in g) / len(g)
        g.sort(key=lambda s: s.start)
        cur = _Seg(pos, g[0].start, g[0].end)
        for s in g[1:]:
            if s.start <= cur.end + SNAP:
                cur.end = max(cur.end, s.end)
            else:
                out.append(cur)
                cur = _Seg(pos, s.start, s.end)
        out.append(cur)
    return out


def _components(hs: list[_Seg], vs: list[_Seg]) -> list[tuple[list[_Seg], list[_Seg]]]:
    """Groups of crossing segments: each group is one table."""
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    vs_by_x = sorted(range(len(vs)), key=lambda j: vs[j].pos)
    v_xs = [vs[j].pos for j in vs_by_x]
    for i, h in enumerate(hs):
        lo = bisect_right(v_xs, h.start - SNAP - 1e-9)
        hi = bisect_right(v_xs, h.end + SNAP)
        for k in range(lo, hi):
            j = vs_by_x[k]
            v = vs[j]
            if v.start - SNAP <= h.pos <= v.end + SNAP:
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list[_Seg], list[_Seg]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 1 and len(g[1]) >= 2 and len(g[0]) + len(g[1]) >= 4]


def _cluster(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= SNAP:
            continue
        out.append(v)
    return out


def _covered(segs: list[_Seg], pos: float, a: float, b: float) -> bool:
    """Whether the segments at `pos` cover at least COVER of the span a..b."""
    need = (b - a) * COVER
    got = 0.0
    for s in segs:
        if abs(s.pos - pos) <= SNAP:
            got += max(0.0, min(b, s.end) - max(a, s.start))
    return got >= need and got > 0


def _build_grid(hs: list[_Seg], vs: list[_Seg]) -> Grid | None:
    xs = _cluster([v.pos for v in vs])
    ys = _cluster([h.pos for h in hs])
    # a table whose outer border is missing on one side (a continuation at the top of
    # a page) still ends where its column lines end
    top, bottom = min(v.start for v in vs), max(v.end for v in vs)
    if top < ys[0] - SNAP:
        ys.insert(0, top)
    if bottom > ys[-1] + SNAP:
        ys.append(bottom)
    left, right = min(h.start for h in hs), max(h.end for h in hs)
    if left < xs[0] - SNAP:
        xs.insert(0, left)
    if right > xs[-1] + SNAP:
        xs.append(right)
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr < 1 or nc < 1:
        return None
    h_at: dict[int, list[_Seg]] = {}
    for h in hs:
        h_at.setdefault(min(range(len(ys)), key=lambda i: abs(ys[i] - h.pos)), []).append(h)
    v_at: dict[int, list[_Seg]] = {}
    for v in vs:
        v_at.setdefault(min(range(len(xs)), key=lambda j: abs(xs[j] - v.pos)), []).append(v)

    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nr):
        for c in range(nc):
            me = r * nc + c
            if c + 1 < nc and not _covered(v_at.get(c + 1, []), xs[c + 1], ys[r], ys[r + 1]):
                a, b = find(me), find(me + 1)
                if a != b:
                    parent[a] = b
            if r + 1 < nr and not _covered(h_at.get(r + 1, []), ys[r + 1], xs[c], xs[c + 1]):
                a, b = find(me), find(me + nc)
                if a != b:
                    parent[a] = b
    spans: dict[int, list[int]] = {}
    for r in range(nr):
        for c in range(nc):
            root = find(r * nc + c)
            s = spans.get(root)
            if s is None:
                spans[root] = [r, r + 1, c, c + 1]
            else:
                s[0], s[1] = min(s[0], r), max(s[1], r + 1)
                s[2], s[3] = min(s[2], c), max(s[3], c + 1)
    cells: list[Cell] = []
    cell_of: dict[int, int] = {}
    for root, (r0, r1, c0, c1) in sorted(spans.items(), key=lambda kv: (kv[1][0], kv[1][2])):
        cell_of[root] = len(cells)
        cells.append(Cell(xs[c0], ys[r0], xs[c1], ys[r1], r0, r1, c0, c1))
    index = [[cell_of[find(r * nc + c)] for c in range(nc)] for r in range(nr)]
    return Grid(xs, ys, cells, index)


def find_grids(lines: Sequence[Obj], rects: Sequence[Obj]) -> list[Grid]:
    """The ruled tables of a page, top to bottom."""
    hs, vs = _segments(lines, rects)
    grids = [g for comp in _components(hs, vs) if (g := _build_grid(*comp)) is not None]
    grids.sort(key=lambda g: (g.top, g.x0))
    return grids


# ---------------------------------------------------------------- text


def _join(chars: list[Obj]) -> str:
    """Characters in reading order, every whitespace dropped (wrapped lines join directly)."""
    return "".join(c["text"] for c in _reading_order(chars) if not c["text"].isspace())


def _reading_order(chars: list[Obj]) -> list[Obj]:
    if len(chars) < 2:
        return chars
    out: list[Obj] = []
    for line in _lines(chars):
        out.extend(line)
    return out


def _lines(chars: list[Obj]) -> list[list[Obj]]:
    """Characters grouped into lines by their vertical position, each sorted left to right."""
    ordered = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    lines: list[list[Obj]] = []
    line_top = line_bottom = 0.0
    for c in ordered:
        h = c["bottom"] - c["top"]
        mid = (c["top"] + c["bottom"]) / 2
        if lines and line_top - 0.5 <= mid <= line_bottom + 0.5 and c["top"] < line_bottom - h * 0.3:
            lines[-1].append(c)
            line_bottom = max(line_bottom, c["bottom"])
        else:
            lines.append([c])
            line_top, line_bottom = c["top"], c["bottom"]
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def text_lines(chars: list[Obj]) -> list[TextLine]:
    """Free characters as text lines; a wide gap on one baseline starts a new line."""
    out: list[TextLine] = []
    for line in _lines([c for c in chars if not c["text"].isspace()]):
        run: list[Obj] = []
        for c in line:
            if run and c["x0"] - run[-1]["x1"] > 3 * max(c["size"], run[-1]["size"]):
                out.append(_text_line(run))
                run = []
            run.append(c)
        if run:
            out.append(_text_line(run))
    return out


def _text_line(run: list[Obj]) -> TextLine:
    return TextLine(
        text="".join(c["text"] for c in run),
        x0=min(c["x0"] for c in run),
        top=min(c["top"] for c in run),
        x1=max(c["x1"] for c in run),
        bottom=max(c["bottom"] for c in run),
        size=max(c["size"] for c in run),
    )


@dataclass
class PageLayout:
    """What one page holds, ready for interpretation; the pdfplumber page can be closed."""

    number: int
    width: float
    height: float
    grids: list[Grid]
    lines: list[TextLine]
    has_text: bool
    # a page without text holding an image (a scan), and what OCR read in its cells if it ran
    has_image: bool = False
    ocr: list[Any] | None = None

    def signature(self) -> tuple[str, ...]:
        """The page's content, for spotting a page printed twice (footers left out)."""
        from .titles import is_footer  # local: titles imports nothing from here

        parts = [ln.text for ln in self.lines if not is_footer(ln.text)]
        for g in self.grids:
            parts.extend(c.text for c in g.cells)
        return tuple(parts)


def lay_out(
    number: int, width: float, height: float, chars: Sequence[Obj], lines: Sequence[Obj], rects: Sequence[Obj]
) -> PageLayout:
    """Grids with their cell texts, and the free text lines, of one page."""
    grids = find_grids(lines, rects)
    free: list[Obj] = []
    has_text = False
    for ch in chars:
        if ch["text"].isspace():
            continue
        has_text = True
        cx = (ch["x0"] + ch["x1"]) / 2
        cy = (ch["top"] + ch["bottom"]) / 2
        for g in grids:
            if g.contains(cx, cy):
                c = min(max(bisect_right(g.xs, cx) - 1, 0), len(g.xs) - 2)
                r = min(max(bisect_right(g.ys, cy) - 1, 0), len(g.ys) - 2)
                g.cells[g.index[r][c]].chars.append(ch)
                break
        else:
            free.append(ch)
    for g in grids:
        for cell in g.cells:
            cell.text = _join(cell.chars)
    text = text_lines(free)
    _claim_clipped_text(grids, text, height)
    text.sort(key=lambda ln: (ln.top, ln.x0))
    return PageLayout(number, width, height, grids, text, has_text)


def _claim_clipped_text(grids: list[Grid], lines: list[TextLine], height: float) -> None:
    """Give an empty edge cell the text of its merged cell that was printed past the grid.

    A merged cell that runs over a page break has its text centred on the whole merged
    range, so on one of the two pages the text lands beyond the grid's edge: straddling
    the border or off the visible page. Such text belongs to the empty cell above (or
    below) it in the same column.
    """
    if not lines:
        return
    taken: set[int] = set()
    for g in grids:
        for cell in g.cells:
            if cell.text:
                continue
            for at_bottom in (True, False):
                if at_bottom and cell.r1 != g.nrows or not at_bottom and cell.r0 != 0:
                    continue
                run = _clipped_run(g, cell, lines, taken, height, at_bottom)
                if run:
                    taken.update(run)
                    cell.text = "".join(lines[i].text for i in run)
                    break
    if taken:
        lines[:] = [ln for i, ln in enumerate(lines) if i not in taken]


def _clipped_run(
    g: Grid, cell: Cell, lines: list[TextLine], taken: set[int], height: float, at_bottom: bool
) -> list[int]:
    """The free lines, nearest first, that continue `cell` past the grid's edge, or []."""

    def beyond(ln: TextLine) -> float:
        return ln.bottom - g.bottom if at_bottom else g.top - ln.top

    candidates = [
        i
        for i, ln in enumerate(lines)
        if i not in taken and ln.x0 >= cell.x0 - 1 and ln.x1 <= cell.x1 + 1 and beyond(ln) > 0
    ]
    candidates.sort(key=lambda i: beyond(lines[i]))
    run: list[int] = []
    for i in candidates:
        if run:
            prev, ln = lines[run[-1]], lines[i]
            gap = ln.top - prev.bottom if at_bottom else prev.top - ln.bottom
            if gap > 0.6 * ln.size:
                break
        run.append(i)
    edge = g.bottom if at_bottom else g.top
    straddles = any(lines[i].top < edge < lines[i].bottom for i in run)
    off_page = any(lines[i].bottom > height or lines[i].top < 0 for i in run)
    if not (straddles or off_page):
        return []
    if not at_bottom:
        run.reverse()
    return run
