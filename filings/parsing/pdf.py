"""Reading a PDF page by page into layouts, with every reader failure as a ParseError.

Each pdfplumber page is closed as soon as its layout is taken, so memory stays flat
however long the filing is. A page with no text but an image is a scan: with `ocr` on, it
is rendered and read by `ocr` into the same kind of layout.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import IO, Any

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTImage, LTLine, LTRect
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from .errors import ParseError
from .layout import Obj, PageLayout, lay_out

Source = str | os.PathLike[str] | IO[bytes]

# A caller's deadline (Celery's soft time limit) arrives as an ordinary Exception raised
# wherever the parse happens to be, often deep in pdfminer; it says nothing about the PDF and
# must reach the caller as itself, not as "文件已损坏". Known by name: the parser imports no Celery.
INTERRUPTS = frozenset({"SoftTimeLimitExceeded", "TimeLimitExceeded", "Terminated", "WorkerLostError"})


def interrupt_in(error: BaseException) -> BaseException | None:
    """The deadline in ``error`` or in what it wraps (pdfplumber wraps pdfminer's errors), if any."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if any(cls.__name__ in INTERRUPTS for cls in type(cause).__mro__):
            return cause
        wrapped = cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
        cause = cause.__cause__ or wrapped or cause.__context__
    return None


def reraise_interrupt(error: BaseException) -> None:
    """Raise the caller's deadline if ``error`` is or wraps one; otherwise return."""
    if (interrupt := interrupt_in(error)) is not None:
        raise interrupt


def _describe(error: BaseException) -> str:
    """A reader failure in words the uploader can act on."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            return "PDF 文件已加密，无法读取，请上传未加密的文件"
        cause = cause.__cause__ or (
            cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
        )
    return "无法读取 PDF 文件：文件已损坏、不完整或不是 PDF"


def _open(source: Source) -> Any:
    target: Any = source
    if isinstance(source, (str, os.PathLike)):
        target = os.fspath(source)
        if not Path(target).is_file():
            raise ParseError(f"找不到文件：{target}")
    try:
        return pdfplumber.open(target)
    except ParseError:
        raise
    except (PdfminerException, PDFPasswordIncorrect, PDFEncryptionError) as e:
        reraise_interrupt(e)
        raise ParseError(_describe(e)) from e
    except Exception as e:  # pdfminer raises many unrelated types on broken input
        reraise_interrupt(e)
        raise ParseError(_describe(e)) from e


def _close(pdf: Any) -> None:
    """Close a PDF whose page tree may be broken.

    pdfplumber's close() walks ``pdf.pages`` again, so on a damaged page tree it raises the
    very error we are reporting (found by tests/fuzz); then only the file is closed.
    """
    try:
        pdf.close()
    except Exception:
        if not pdf.stream_is_external:
            pdf.stream.close()


def read_pages(source: Source, ocr: bool = False) -> tuple[int, Generator[PageLayout, None, None]]:
    """The page count, and the pages' layouts one by one (each page closed after use).

    `ocr`: read scanned pages (no text, an image) by OCR; otherwise they stay empty.
    """
    pdf = _open(source)
    try:
        count = len(pdf.pages)
    except Exception as e:
        _close(pdf)
        reraise_interrupt(e)
        raise ParseError(_describe(e)) from e
    if count == 0:
        _close(pdf)
        raise ParseError("PDF 文件没有页面")
    return count, _layouts(pdf, source if ocr else None)


def _objects(page: Any) -> tuple[list[Obj], list[Obj], list[Obj], bool]:
    """The page's characters, lines and rects as the few keys the layout reads, and
    whether it holds an image.

    pdfplumber's `page.chars` resolves every attribute of every object (colours, colour
    spaces, graphic state), a fifth of a page's parse time we never use; the coordinates are
    pdfplumber's own: top-down from the page's top, shifted by the MediaBox as it does.
    """
    height = float(page.height)
    mb_x0, mb_top = (float(v) for v in page.mediabox[:2])
    chars: list[Obj] = []
    lines: list[Obj] = []
    rects: list[Obj] = []
    image = False
    stack = list(reversed(page.layout._objs))
    while stack:
        obj = stack.pop()
        if isinstance(obj, LTContainer):
            stack.extend(reversed(obj._objs))
            continue
        if isinstance(obj, LTImage):
            image = image or (obj.width > 1 and obj.height > 1)
            continue
        if not isinstance(obj, (LTChar, LTLine, LTRect)):
            continue
        box: Obj = {
            "x0": obj.x0 + mb_x0,
            "x1": obj.x1 + mb_x0,
            "top": height - obj.y1 + mb_top,
            "bottom": height - obj.y0 + mb_top,
        }
        if isinstance(obj, LTChar):
            box["text"] = obj.get_text()
            box["size"] = obj.size
            chars.append(box)
        elif isinstance(obj, LTLine):
            lines.append(box)
        else:
            box["stroke"] = obj.stroke
            rects.append(box)
    return chars, lines, rects, image


def _layouts(pdf: Any, scans: Source | None) -> Generator[PageLayout, None, None]:
    """Page layouts; `scans`: the PDF again, for pdfium to render its scanned pages for OCR."""
    rendered: Any = None
    try:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                chars, lines, rects, image = _objects(page)
                width, height = float(page.width), float(page.height)
                layout = lay_out(number, width, height, chars, lines, rects)
                layout.has_image = image and not layout.has_text
            except ParseError:
                raise
            except Exception as e:
                reraise_interrupt(e)
                raise ParseError(f"第 {number} 页无法读取：{_describe(e)}") from e
            finally:
                page.close()
            if layout.has_image and scans is not None:
                if rendered is None:
                    rendered = _open_for_ocr(scans)
                layout = _ocr_page(rendered, number, width, height)
            yield layout
    finally:
        if rendered is not None:
            rendered.close()
        pdf.close()


def _open_for_ocr(source: Source) -> Any:
    import pypdfium2 as pdfium

    target: Any = os.fspath(source) if isinstance(source, (str, os.PathLike)) else source
    if not isinstance(target, str):
        target.seek(0)
        target = target.read()  # pdfium keeps its own copy; pdfplumber goes on with the stream
    try:
        return pdfium.PdfDocument(target)
    except Exception as e:
        reraise_interrupt(e)
        raise ParseError(_describe(e)) from e


def _ocr_page(rendered: Any, number: int, width: float, height: float) -> PageLayout:
    from .ocr import read_scan

    page = rendered[number - 1]
    try:
        return read_scan(page, number, width, height)
    except ParseError:
        raise
    except Exception as e:
        reraise_interrupt(e)
        raise ParseError(f"第 {number} 页扫描件无法识别：{e}") from e
    finally:
        page.close()
