"""A PDF page as a grey image for OCR, rendered by pdfium.

A red or blue seal stamped over a table would hide digits and break ruling lines if turned
grey the usual way; taking each pixel's lightest channel drops coloured ink and keeps black
and grey print, which is all a filing's tables are printed in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# pixels per PDF point: 200 dpi reads 9-point digits safely and keeps a page near 4 MP
DPI = 200
SCALE = DPI / 72


def render(page: Any, scale: float = SCALE) -> tuple[Any, Any]:
    """A pypdfium2 page as a uint8 grey image (ink dark), coloured ink dropped, and the
    mask of its coloured pixels (a seal) where only dark ink may be read."""
    bitmap = page.render(scale=scale, grayscale=False, rev_byteorder=True)
    try:
        rgb = bitmap.to_numpy()[:, :, :3]
        grey = np.ascontiguousarray(rgb.max(axis=2))
        coloured = (rgb.max(axis=2).astype(np.int16) - rgb.min(axis=2)) > _COLOURED
        return grey, coloured
    finally:
        bitmap.close()


# a pixel whose channels differ by more than this is coloured ink, not grey print
_COLOURED = 40
