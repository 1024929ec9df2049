"""PDF pages rendered to PNG once, then served from a cache under MEDIA_ROOT (never publicly).

pdfium renders in a child process with a time and a memory limit (filings/pdf_child.py): an
uploaded PDF that makes it spin or swell costs that child, never a gunicorn worker.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.conf import settings

from filings.models import Document
from filings.pdf_child import ChildFailed, render_page

SCALE = 2  # 144 dpi: sharp enough to read a 宋体 9 pt cell
MAX_SIDE_PIXELS = 4000  # a freak page 50 000 pt wide must not become a gigapixel bitmap


class RenderFailed(FileNotFoundError):
    """The page could not be rendered in time or within memory.

    A FileNotFoundError, so the views answer it as a page they cannot show (404), as before.
    """


def page_image(document: Document, page: int) -> tuple[Path, dict[str, float]]:
    """The PNG of one page and its size in PDF points; rendered on first use."""
    folder = Path(settings.MEDIA_ROOT) / "pages" / document.sha256
    png, meta = folder / f"{page}.png", folder / f"{page}.json"
    if not png.exists() or not meta.exists():
        source = document.file.path
        if not Path(source).is_file():
            raise FileNotFoundError(source)
        folder.mkdir(parents=True, exist_ok=True)
        # Two requests may render the same page at once: each into its own file, then renamed.
        tmp = folder / f"{page}.{uuid.uuid4().hex}.tmp.png"
        try:
            size = render_page(
                source,
                page,
                tmp,
                scale=SCALE,
                max_side=MAX_SIDE_PIXELS,
                seconds=settings.PAGE_RENDER_SECONDS,
                memory_mb=settings.PAGE_RENDER_MEMORY_MB,
            )
        except ChildFailed as exc:
            tmp.unlink(missing_ok=True)
            what = "超时" if exc.reason == "timeout" else "出错（内存不足或文件损坏）"
            raise RenderFailed(f"第 {page} 页渲染{what}") from exc
        except BaseException:
            tmp.unlink(missing_ok=True)  # a child killed mid-write leaves half a PNG
            raise
        tmp.replace(png)
        meta.write_text(json.dumps(size))
    return png, json.loads(meta.read_text())
