"""What a clerk sends, turned into candidate files: names cleaned, PDFs checked, zips opened safely.

A PDF passes only when its bytes say PDF and a child process opens it (header, cross-reference
table, a page) within a time budget (``pdf_child``); a request stores so many files and bytes
at most (``RequestBudget``). Nothing here touches the database; ``services.document_upload``
stores what passes.
"""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings

from .pdf_child import check_pdf_bytes

PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
MAX_FILENAME_CHARS = 200
# Finder and Explorer leave these in zips; they are not a clerk's files.
ZIP_JUNK_PREFIXES = ("__MACOSX/",)
ZIP_JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


class UploadRefused(Exception):
    """A file or archive that is refused as a whole; the message is for the clerk."""


@dataclass(frozen=True)
class Candidate:
    """One file to store, or the reason it cannot be."""

    filename: str
    content: bytes | None
    error: str = ""


def detect_content_type(head: bytes) -> str:
    """Judge a file by its bytes, not its name. PDF readers accept the header within 1 KiB."""
    # A zip that stores a PDF uncompressed also holds the PDF magic within its first KiB.
    if head.startswith(ZIP_MAGICS):
        return "application/zip"
    if PDF_MAGIC in head[:1024]:
        return "application/pdf"
    if not head:
        return "application/x-empty"
    return "application/octet-stream"


def clean_filename(name: str) -> str:
    """Keep the last path part, drop control characters, cap the length, never return ''."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > MAX_FILENAME_CHARS:
        stem, ext = os.path.splitext(name)
        name = stem[: MAX_FILENAME_CHARS - len(ext[:10])] + ext[:10]
    return name or "未命名.pdf"


def human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_pdf(filename: str, content: bytes, budget: RequestBudget | None = None) -> str:
    """Return '' when the bytes may be stored as a PDF, else the reason in Chinese."""
    limit = settings.UPLOAD_MAX_FILE_BYTES
    if not content:
        return "文件为空（0 字节），未保存。"
    if len(content) > limit:
        return f"文件大小 {human_size(len(content))} 超过上限 {human_size(limit)}，未保存。"
    kind = detect_content_type(content[:1024])
    if kind == "application/zip":
        return "压缩包内不能再嵌套压缩包，请解压后上传其中的 PDF。"
    if kind != "application/pdf":
        return "文件内容不是 PDF（不论扩展名如何，按文件内容判断），未保存。"
    if budget is not None and (reason := budget.charge(len(content))):
        return reason
    # "%PDF-" and 50 MB of zeros deflate to 50 KB: the magic alone let a tiny zip store
    # gigabytes and hold a worker for minutes. A real PDF opens and has a page.
    return check_pdf_bytes(
        content, seconds=settings.PDF_CHECK_SECONDS, memory_mb=settings.PDF_CHECK_MEMORY_MB
    )


@dataclass
class RequestBudget:
    """How many files and bytes one request may still take (UPLOAD_MAX_REQUEST_FILES / _BYTES).

    A file is charged before its structural check, so a zip of 500 fake PDFs costs at most
    the budget's number of child processes; the rest are refused unread.
    """

    files: int
    size: int

    @classmethod
    def from_settings(cls) -> RequestBudget:
        return cls(settings.UPLOAD_MAX_REQUEST_FILES, settings.UPLOAD_MAX_REQUEST_BYTES)

    @property
    def spent(self) -> str:
        """Why nothing more is taken, or '' while something still may be."""
        if self.files <= 0:
            return (
                f"本次上传超过 {settings.UPLOAD_MAX_REQUEST_FILES} 个文件的上限（压缩包内的文件也计数），"
                "未保存，请分批上传。"
            )
        if self.size <= 0:
            return self.too_big()
        return ""

    @staticmethod
    def too_big() -> str:
        return (
            f"本次上传的文件总大小超过上限 {human_size(settings.UPLOAD_MAX_REQUEST_BYTES)}"
            "（压缩包按解压后计），未保存，请分批上传。"
        )

    def charge(self, size: int) -> str:
        """Take one file of ``size`` bytes: '' if the request may still have it, else why not."""
        if reason := self.spent:
            return reason
        if size > self.size:
            self.size = 0  # what comes after is refused too: the outcome must not hang on order
            return self.too_big()
        self.files -= 1
        self.size -= size
        return ""


def candidates_from_upload(
    filename: str, stream: BinaryIO, size: int, budget: RequestBudget | None = None
) -> Iterator[Candidate]:
    """Expand one uploaded file: a PDF yields itself, a zip yields its members.

    With a ``budget`` (the upload page's request), what exceeds it is refused without being
    read, unzipped or checked.
    """
    filename = clean_filename(filename)
    if budget is not None and (reason := budget.spent):
        yield Candidate(filename, None, reason)
        return
    limit = settings.UPLOAD_MAX_FILE_BYTES
    head = stream.read(1024)
    stream.seek(0)
    kind = detect_content_type(head)
    if kind == "application/zip":
        found = False
        try:
            for candidate in candidates_from_zip(stream, budget):
                found = True
                yield candidate
        except UploadRefused as exc:
            yield Candidate(filename, None, str(exc))
            return
        if not found:
            # Otherwise the clerk would see no message at all for this upload.
            yield Candidate(
                filename, None, "压缩包中没有文件（是空的，或只有文件夹和系统生成的文件），未保存任何内容。"
            )
        return
    if size > limit:
        yield Candidate(filename, None, f"文件大小 {human_size(size)} 超过上限 {human_size(limit)}，未保存。")
        return
    content = stream.read()
    yield Candidate(filename, content, check_pdf(filename, content, budget))


def _member_name(info: zipfile.ZipInfo) -> str:
    # Zips made on Chinese Windows store GBK names without the UTF-8 flag (bit 11).
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _is_unsafe_path(name: str) -> bool:
    name = name.replace("\\", "/")
    parts = name.split("/")
    return name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts


def candidates_from_zip(stream: BinaryIO, budget: RequestBudget | None = None) -> Iterator[Candidate]:
    """Open a zip defensively: refuse it whole when a member could escape or it would explode."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(f"压缩包已损坏，无法打开（{exc}）。") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > settings.ZIP_MAX_MEMBERS:
            raise UploadRefused(
                f"压缩包内有 {len(infos)} 个文件，超过上限 {settings.ZIP_MAX_MEMBERS} 个，整个压缩包未处理。"
            )
        total = sum(info.file_size for info in infos)
        if total > settings.ZIP_MAX_UNCOMPRESSED_BYTES:
            raise UploadRefused(
                f"压缩包解压后共 {human_size(total)}，超过上限 "
                f"{human_size(settings.ZIP_MAX_UNCOMPRESSED_BYTES)}，整个压缩包未处理。"
            )
        for info in infos:
            name = _member_name(info)
            if _is_unsafe_path(name):
                raise UploadRefused(
                    f"压缩包中的文件名“{clean_filename(name)}”含有绝对路径或“../”，"
                    "出于安全原因整个压缩包未处理。"
                )
        for info in infos:
            name = _member_name(info)
            base = name.replace("\\", "/").rsplit("/", 1)[-1]
            if info.is_dir() or name.startswith(ZIP_JUNK_PREFIXES) or base in ZIP_JUNK_NAMES:
                continue
            display = clean_filename(name)
            if budget is not None and (reason := budget.spent):
                yield Candidate(display, None, reason)
                continue
            if info.file_size > settings.UPLOAD_MAX_FILE_BYTES:
                yield Candidate(
                    display,
                    None,
                    f"文件大小 {human_size(info.file_size)} 超过上限 "
                    f"{human_size(settings.UPLOAD_MAX_FILE_BYTES)}，未保存。",
                )
                continue
            try:
                # ZipExtFile stops at the declared size and checks the CRC, so a lying
                # header cannot make us read more than the limits above allowed.
                with archive.open(info) as member:
                    content = member.read(settings.UPLOAD_MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
                yield Candidate(display, None, f"无法从压缩包中读取该文件（{exc}）。")
                continue
            yield Candidate(display, content, check_pdf(display, content, budget))


def candidates_from_bytes(filename: str, content: bytes) -> Iterator[Candidate]:
    return candidates_from_upload(filename, io.BytesIO(content), len(content))
