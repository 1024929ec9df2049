"""PDF pages rendered to PNG once, then served from a cache under MEDIA_ROOT (never publicly)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pypdfium2 as pdfium
from django.conf import settings

from filings.models import Document

SCALE = 2  # 144 dpi: sharp enough to read a 宋体 9 pt cell
MAX_SIDE_PIXELS = 4000  # a freak page 50 000 pt wide must not become a gigapixel bitmap
# pdfium is not thread-safe; gunicorn's threads share one process.
_PDFIUM_LOCK = threading.Lock()


def page_image(document: Document, page: int) -> tuple[Path, dict[str, float]]:
    """The PNG of one page and its size in PDF points; rendered on first use."""
    folder = Path(settings.MEDIA_ROOT) / "pages" / document.sha256
    png, meta = folder / f"{page}.png", folder / f"{page}.json"
    if not png.exists() or not meta.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with _PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(document.file.path)
            try:
                if not 1 <= page <= len(pdf):
                    raise IndexError(page)
                pdf_page = pdf[page - 1]
                width, height = pdf_page.get_size()
                bitmap = pdf_page.render(scale=min(SCALE, MAX_SIDE_PIXELS / max(width, height, 1)))
                tmp = png.with_suffix(".tmp.png")
                bitmap.to_pil().save(tmp, optimize=True)
                tmp.replace(png)
                meta.write_text(json.dumps({"width": width, "height": height}))
            finally:
                pdf.close()
    return png, json.loads(meta.read_text())
