#!/usr/bin/env python3
"""Make a scanned copy of a text PDF, as an office scanner would print it back.

Each page is rendered at DPI, turned grey, rotated by a small random angle, blurred a little,
given a little sensor noise and stored as a JPEG image on a PDF page of the same size: a page
with no text layer. Optionally a red round seal is stamped over a table, some pages are kept
as text (a mixed PDF), and a blank page is added.

    python tools/make_scan.py tests/corpus/pdf/X.pdf out.pdf --dpi 200 --seed 1
    python tools/make_scan.py IN.pdf OUT.pdf --pages 1-4 --keep-text 1,3 --blank-after 2 --stamp

Pages are numbered from 1 and refer to the input; the output holds them in order (with the
blank page inserted after the page named by --blank-after, counted in the output).
"""

from __future__ import annotations

import argparse
import io
import math
import random
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def _pages(spec: str | None, count: int) -> list[int]:
    if not spec:
        return list(range(1, count + 1))
    out: list[int] = []
    for part in spec.split(","):
        a, _, b = part.partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return [p for p in out if 1 <= p <= count]


def _stamp(img: Image.Image, rng: random.Random) -> Image.Image:
    """A red seal, half transparent, somewhere over the middle of the page."""
    w, h = img.size
    r = int(min(w, h) * 0.11)
    cx = int(w * rng.uniform(0.35, 0.7))
    cy = int(h * rng.uniform(0.35, 0.65))
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    red = (215, 30, 35, 150)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=red, width=max(3, r // 14))
    star = [
        (
            cx + (r * 0.28 if i % 2 == 0 else r * 0.11) * math.sin(i * math.pi / 5),
            cy - (r * 0.28 if i % 2 == 0 else r * 0.11) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    d.polygon(star, fill=red)
    try:
        font = ImageFont.truetype(FONT, max(10, r // 4))
        d.text((cx, cy + r * 0.5), "业务专用章", fill=red, font=font, anchor="mm")
    except OSError:  # no CJK font: the ring and star still cover the table
        pass
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


def scan_page(
    page: pdfium.PdfPage, dpi: int, rng: random.Random, stamp: bool, max_angle: float
) -> Image.Image:
    img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    angle = rng.uniform(-max_angle, max_angle)
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    blur = rng.uniform(0.4, 0.8) * dpi / 200
    a = np.asarray(img, dtype=np.float32)
    a = a + np.random.default_rng(rng.randrange(1 << 30)).normal(0, 3, a.shape)  # sensor noise
    a = 235 - (235 - 20) * (1 - np.clip(a, 0, 255) / 255)  # paper not quite white, toner not quite black
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    img = img.filter(ImageFilter.GaussianBlur(radius=blur))  # the optics, over the noise too
    if stamp:
        return _stamp(img.convert("RGB"), rng)
    return img


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quality", type=int, default=70, help="JPEG quality")
    ap.add_argument("--angle", type=float, default=0.8, help="largest rotation, degrees")
    ap.add_argument("--pages", help="input pages to keep, e.g. 1-4,7 (default all)")
    ap.add_argument("--keep-text", default="", help="input pages kept as text, not scanned")
    ap.add_argument("--stamp", action="store_true", help="a red seal over one scanned page's table")
    ap.add_argument("--blank-after", type=int, help="insert a blank page after this output page")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    src = pdfium.PdfDocument(args.src)
    pages = _pages(args.pages, len(src))
    keep = set(_pages(args.keep_text, len(src))) if args.keep_text else set()
    scanned = [p for p in pages if p not in keep]
    stamp_on = rng.choice(scanned) if args.stamp and scanned else None
    out = pdfium.PdfDocument.new()
    for n in pages:
        if n in keep:
            out.import_pages(src, [n - 1])
            continue
        page = src[n - 1]
        w, h = page.get_size()
        img = scan_page(page, args.dpi, rng, n == stamp_on, args.angle)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=args.quality)
        new = out.new_page(w, h)
        obj = pdfium.PdfImage.new(out)
        obj.load_jpeg(io.BytesIO(buf.getvalue()), inline=False)
        obj.set_matrix(pdfium.PdfMatrix().scale(w, h))
        new.insert_obj(obj)
        new.gen_content()
    if args.blank_after is not None:
        w, h = src[pages[0] - 1].get_size()
        out.new_page(w, h, index=args.blank_after)
    out.save(args.out)
    print(f"{args.out}: {len(out)} pages, {len(scanned)} scanned at {args.dpi} dpi, stamp on {stamp_on}")


if __name__ == "__main__":
    main()
