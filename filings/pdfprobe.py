"""A first look inside a stored PDF: page count, the first title line, pages with no text.

Plain Python (no Django). Problems come out as ``PdfUnreadable`` with a Chinese message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException


class PdfUnreadable(Exception):
    """The file cannot be read as a PDF; ``str(exc)`` is the message for people."""


@dataclass
class PdfProbe:
    page_count: int
    title: str
    pages_without_text: list[int] = field(default_factory=list)


def explain(exc: BaseException) -> str:
    """Say in Chinese why a PDF could not be read; pdfplumber wraps pdfminer's errors."""
    if isinstance(exc, PdfminerException) and exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    if isinstance(exc, PDFPasswordIncorrect):
        return "PDF 已加密，需要密码才能打开，请上传未加密的文件。"
    if isinstance(exc, PDFEncryptionError):
        return "PDF 使用了不支持的加密方式，请上传未加密的文件。"
    if isinstance(exc, PDFSyntaxError | PSException):
        return f"PDF 文件已损坏或不完整，无法读取（{exc}）。"
    return f"PDF 文件已损坏，无法读取（{type(exc).__name__}: {exc}）。"


def probe_pdf(path: str | Path) -> PdfProbe:
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        raise PdfUnreadable(explain(exc)) from exc
    title = ""
    blank: list[int] = []
    try:
        with pdf:
            count = len(pdf.pages)
            if count == 0:
                raise PdfUnreadable("PDF 文件没有任何页面。")
            for number, page in enumerate(pdf.pages, start=1):
                text = (page.extract_text() or "").strip()
                if not text:
                    blank.append(number)
                elif not title:
                    title = text.splitlines()[0].strip()[:500]
                page.close()
    except PdfUnreadable:
        raise
    except Exception as exc:
        raise PdfUnreadable(explain(exc)) from exc
    return PdfProbe(page_count=count, title=title, pages_without_text=blank)
