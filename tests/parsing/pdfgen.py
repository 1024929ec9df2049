"""A tiny spreadsheet-to-PDF renderer for tests: ruled tables with merged cells, titles,
page breaks, footers, in real (extractable) Chinese text.

It imitates how Calc prints a sheet: a border around every cell; a merged cell cut by a
page break loses its border at the cut, and its text is centred on the whole merged range,
so on one of the two pages it lands past the grid or off the page. Text uses the standard
`STSong-Light` CID font (not embedded; pdfminer maps it back to Unicode), each character
one em wide.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class C:
    """A cell: text, spanning `cs` columns and `rs` rows."""

    text: str = ""
    cs: int = 1
    rs: int = 1


@dataclass
class _Page:
    width: float
    height: float
    ops: list[str] = field(default_factory=list)
    rect_borders: bool = False

    def line(self, x0: float, top0: float, x1: float, top1: float) -> None:
        h = self.height
        if self.rect_borders:
            # borders as thin filled boxes, as some spreadsheet exporters draw them
            w = 0.6
            self.ops.append(
                f"{min(x0, x1) - w / 2:.2f} {h - max(top0, top1) - w / 2:.2f} "
                f"{abs(x1 - x0) + w:.2f} {abs(top1 - top0) + w:.2f} re f"
            )
            return
        self.ops.append(f"{x0:.2f} {h - top0:.2f} m {x1:.2f} {h - top1:.2f} l S")

    def text(self, x: float, top: float, s: str, size: float) -> None:
        if not s:
            return
        hexed = s.encode("utf-16-be").hex()
        baseline = self.height - top - size * 0.88
        self.ops.append(f"BT /F1 {size:.1f} Tf {x:.2f} {baseline:.2f} Td <{hexed}> Tj ET")


def _wrap(text: str, width: float, size: float) -> list[str]:
    per_line = max(1, int((width - 4) // size))
    return [text[i : i + per_line] for i in range(0, len(text), per_line)] or [""]


class Doc:
    """Pages filled top to bottom, like a printed sheet."""

    def __init__(
        self,
        width: float = 842.0,
        height: float = 595.0,
        margin: float = 36.0,
        footer: bool = False,
        rect_borders: bool = False,
        clip: bool = False,
    ) -> None:
        self.width, self.height, self.margin = width, height, margin
        self.footer = footer
        self.rect_borders = rect_borders
        # clip: draw a merged cell's text only where it is visible (other producers)
        self.clip = clip
        self.pages: list[_Page] = []
        self.y = 0.0
        self.page_break()

    @property
    def page(self) -> _Page:
        return self.pages[-1]

    def page_break(self) -> None:
        self.pages.append(_Page(self.width, self.height, rect_borders=self.rect_borders))
        self.y = self.margin

    def text_line(self, text: str, size: float = 10.0, center: bool = False, x: float | None = None) -> int:
        """Print one line; returns its 1-based page number."""
        if self.y + size * 1.6 > self.height - self.margin:
            self._footer()
            self.page_break()
        width = len(text) * size
        left = (self.width - width) / 2 if center else (self.margin if x is None else x)
        self.page.text(left, self.y, text, size)
        self.y += size * 1.6
        return len(self.pages)

    def table(
        self,
        widths: list[float],
        rows: list[list[C | str | None]],
        row_height: float = 18.0,
        size: float = 9.0,
        repeat_header: int = 0,
        heights: list[float] | None = None,
    ) -> list[int]:
        """Rows of cells, each row full width with None where a merged cell covers the
        position; returns the
        1-based pages the table is printed on."""
        n = len(rows)
        hs = heights or [row_height] * n
        xs = [self.margin]
        for w in widths:
            xs.append(xs[-1] + w)
        # grid[r][c] -> (r0, c0) of the cell covering it
        cells: dict[tuple[int, int], C] = {}
        owner: dict[tuple[int, int], tuple[int, int]] = {}
        for r, row in enumerate(rows):
            # rows are full width: None stands where a merged cell covers the position
            for c, item in enumerate(row):
                if item is None:
                    continue
                cell = item if isinstance(item, C) else C(item)
                cells[(r, c)] = cell
                for dr in range(cell.rs):
                    for dc in range(cell.cs):
                        owner[(r + dr, c + dc)] = (r, c)
        # place rows on pages: (page index, top) per row
        placed: list[tuple[int, float]] = []
        r = 0
        while r < n:
            if self.y + hs[r] > self.height - self.margin:
                self._footer()
                self.page_break()
                head: dict[int, tuple[int, float]] = {}
                for h in range(min(repeat_header, r)):
                    head[h] = (len(self.pages) - 1, self.y)
                    self.y += hs[h]
                self._draw_rows(xs, list(head.items()), cells, owner, hs, size, head)
            placed.append((len(self.pages) - 1, self.y))
            self.y += hs[r]
            r += 1
        where = dict(enumerate(placed))
        self._draw_rows(xs, list(where.items()), cells, owner, hs, size, where)
        self.y += row_height * 0.5
        return sorted({pi + 1 for pi, _ in placed})

    def duplicate_page(self, number: int) -> None:
        """Print page `number` (1-based) again right after it, as some filings do."""
        page = self.pages[number - 1]
        self.pages.insert(number, _Page(page.width, page.height, list(page.ops)))

    def _draw_rows(
        self,
        xs: list[float],
        rows: list[tuple[int, tuple[int, float]]],
        cells: dict[tuple[int, int], C],
        owner: dict[tuple[int, int], tuple[int, int]],
        hs: list[float],
        size: float,
        where: dict[int, tuple[int, float]],
    ) -> None:
        for r, (pi, top) in rows:
            page = self.pages[pi]
            bottom = top + hs[r]
            for c in range(len(xs) - 1):
                r0, c0 = owner.get((r, c), (r, c))
                cell = cells.get((r0, c0), C())
                x0, x1 = xs[c0], xs[c0 + cell.cs]
                # borders of this row's slice of the cell
                if c == c0:
                    page.line(x0, top, x0, bottom)
                if c == c0 + cell.cs - 1:
                    page.line(x1, top, x1, bottom)
                first = r == r0 or where.get(r - 1, (None,))[0] != pi
                # a merged cell cut by a page break has no border at the cut
                if r == r0:
                    page.line(xs[c], top, xs[c + 1], top)
                if r == r0 + cell.rs - 1:
                    page.line(xs[c], bottom, xs[c + 1], bottom)
                if c == c0 and first:
                    self._cell_text(page, cell, r0, r, pi, x0, x1, top, hs, where, size)

    def _cell_text(
        self,
        page: _Page,
        cell: C,
        r0: int,
        r: int,
        pi: int,
        x0: float,
        x1: float,
        top: float,
        hs: list[float],
        where: dict[int, tuple[int, float]],
        size: float,
    ) -> None:
        """Text centred on the whole merged range, drawn on every page the cell touches."""
        if not cell.text:
            return
        # the cell's top in this page's coordinates, as if the sheet ran on unbroken
        start = top - sum(hs[k] for k in range(r0, r))
        total = sum(hs[k] for k in range(r0, r0 + cell.rs))
        end = r
        while end + 1 < r0 + cell.rs and where.get(end + 1, (None,))[0] == pi:
            end += 1
        visible_bottom = top + sum(hs[k] for k in range(r, end + 1))
        lines = _wrap(cell.text, x1 - x0, size)
        block = len(lines) * size * 1.3
        y = start + (total - block) / 2
        for line in lines:
            cut = end - r + 1 < cell.rs  # the merged cell runs onto another page
            if not (self.clip and cut) or (y >= top - 0.5 and y + size <= visible_bottom + 0.5):
                page.text(x0 + 2, y, line, size)
            y += size * 1.3

    def _footer(self) -> None:
        if self.footer:
            # the page total is known only when saving
            self.page.ops.append(f"FOOTER {len(self.pages)}")

    def save(self, path: str | Path) -> Path:
        self._footer()
        total = len(self.pages)
        objs: list[bytes] = []

        def add(body: bytes) -> int:
            objs.append(body)
            return len(objs)

        font = add(b"")  # placeholder, filled below
        descendant = add(
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
            b"/FontDescriptor " + str(len(objs) + 2).encode() + b" 0 R /DW 1000 >>"
        )
        add(
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
            b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
            b"/CapHeight 880 /StemV 93 >>"
        )
        objs[font - 1] = (
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light "
            b"/Encoding /UniGB-UTF16-H /DescendantFonts [" + str(descendant).encode() + b" 0 R] >>"
        )
        pages_id = add(b"")
        kids = []
        for page in self.pages:
            for i, op in enumerate(page.ops):
                if op.startswith("FOOTER "):
                    footer = _Page(page.width, page.height)
                    footer.text(
                        page.width / 2 - 40,
                        page.height - self.margin / 2 - 4,
                        f"第 {op.split()[1]} 页，共 {total} 页",
                        8,
                    )
                    page.ops[i] = footer.ops[0]
            ops = "\n".join(page.ops)
            stream = zlib.compress(ops.encode("latin-1"))
            content = add(
                b"<< /Length "
                + str(len(stream)).encode()
                + b" /Filter /FlateDecode >>\nstream\n"
                + stream
                + b"\nendstream"
            )
            kids.append(
                add(
                    f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {page.width:.2f} "
                    f"{page.height:.2f}] /Resources << /Font << /F1 {font} 0 R >> >> "
                    f"/Contents {content} 0 R >>".encode()
                )
            )
        objs[pages_id - 1] = (
            f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
        ).encode()
        catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(objs, start=1):
            offsets.append(len(out))
            out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
        for off in offsets:
            out += f"{off:010d} 00000 n \n".encode()
        out += (
            f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        ).encode()
        path = Path(path)
        path.write_bytes(bytes(out))
        return path
