"""Evidence beside a finding: the region of its source page it concerns, cut from the rendered page.

The page is rendered once (``review.pages.page_image``, in a child process with limits); the
crop is cut with Pillow and cached on disk by document SHA-256, page and box, so a second look
(or the same region in another version of the filing) reads a file.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from PIL import Image

from filings.models import Document

from .pages import page_image

# Points around the box: the row above and below and the column heads nearby stay in view.
MARGIN_X, MARGIN_Y = 30.0, 24.0
# A region without a box (a table-level finding) shows the top of its page.
TOP_OF_PAGE = 0.35
# An OCR'd value's crop (the 待核对 page): its own cell, its rules in view.
VALUE_MARGIN = (6.0, 6.0)
MAX_WIDTH = 1400  # pixels: a crop is a thumbnail beside the finding, never the whole bitmap


def _box(bbox: Any) -> tuple[float, float, float, float] | None:
    try:
        x0, top, x1, bottom = (float(v) for v in bbox)
    except (TypeError, ValueError):
        return None
    if x1 <= x0 or bottom <= top:
        return None
    return x0, top, x1, bottom


def region_crop(
    document: Document, page: int, bbox: Any, *, margin: tuple[float, float] = (MARGIN_X, MARGIN_Y)
) -> Path:
    """A PNG of ``bbox`` (PDF points) on ``page`` with a margin; the page's top part without a box."""
    png, size = page_image(document, page)
    box = _box(bbox)
    name = "top" if box is None else "-".join(f"{v:.1f}" for v in (*box, *margin))
    out = Path(settings.MEDIA_ROOT) / "crops" / document.sha256 / f"{page}-{name}.png"
    if out.exists():
        return out
    with Image.open(png) as image:
        scale = image.width / float(size["width"])  # the render may be capped below SCALE
        if box is None:
            region = (0.0, 0.0, float(size["width"]), float(size["height"]) * TOP_OF_PAGE)
        else:
            x0, top, x1, bottom = box
            mx, my = margin
            region = (x0 - mx, top - my, x1 + mx, bottom + my)
        left, upper, right, lower = (
            max(0, int(region[0] * scale)),
            max(0, int(region[1] * scale)),
            min(image.width, int(region[2] * scale) + 1),
            min(image.height, int(region[3] * scale) + 1),
        )
        if right <= left or lower <= upper:  # a box off the page: show the page's top instead
            left, upper, right, lower = 0, 0, image.width, int(image.height * TOP_OF_PAGE)
        crop = image.crop((left, upper, right, lower))
        if crop.width > MAX_WIDTH:
            crop = crop.resize((MAX_WIDTH, max(1, crop.height * MAX_WIDTH // crop.width)))
        out.parent.mkdir(parents=True, exist_ok=True)
        # two requests may cut the same crop at once: each into its own file, then renamed
        tmp = out.with_name(f"{out.stem}.{uuid.uuid4().hex}.tmp.png")
        crop.save(tmp, format="PNG", optimize=True)
        tmp.replace(out)
    return out
