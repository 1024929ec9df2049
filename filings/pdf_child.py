"""pdfium on uploaded PDFs, always in a child process with a time and a memory limit.

An uploaded PDF is hostile input and pdfium is C: a crafted file can make it spin, allocate
gigabytes or crash, and it is not thread-safe. So neither the web process nor an upload ever
opens one in-process; they run this file as a script (``python -I pdf_child.py check|render``),
which sets its own memory limit before it imports pdfium, and kill it when it overruns.

- ``check``: the PDF on stdin must open (header and cross-reference table, which pdfium may
  rebuild as every reader does) and have at least one page object that loads with a size;
  the quick structural test an upload passes before it is stored.
- ``render PATH PAGE OUT SCALE MAX_SIDE``: one page as a PNG at OUT, its size in points.

The parent half (``check_pdf_bytes``, ``render_page``) takes its limits as arguments, so this
module imports nothing of Django and the child nothing but pypdfium2.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve()


class ChildFailed(Exception):
    """The child did not answer: ``reason`` is "timeout" or "crashed" (memory, a pdfium fault)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def run_child(args: list[str], *, stdin: bytes | None, seconds: float, memory_mb: int) -> dict[str, Any]:
    """Run this script with ``args``; its one JSON line of answer, or ChildFailed."""
    try:
        done = subprocess.run(
            # -I: no PYTHONPATH, no user site, not our folder on the path; the venv's packages only.
            [sys.executable, "-I", str(SCRIPT), str(memory_mb), *args],
            input=stdin if stdin is not None else b"",
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:  # run() has killed it
        raise ChildFailed("timeout", f"{seconds:g} s") from exc
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    if done.returncode != 0 or not lines:
        raise ChildFailed(
            "crashed", f"exit {done.returncode}: {done.stderr.decode('utf-8', 'replace')[-300:]}"
        )
    return json.loads(lines[-1])


def check_pdf_bytes(content: bytes, *, seconds: float, memory_mb: int) -> str:
    """'' when pdfium opens the bytes and loads a page, else why not in Chinese (for the clerk)."""
    try:
        answer = run_child(["check"], stdin=content, seconds=seconds, memory_mb=memory_mb)
    except ChildFailed as exc:
        if exc.reason == "timeout":
            return f"检查 PDF 文件结构超时（超过 {seconds:g} 秒），文件过于复杂或已损坏，未保存。"
        return "检查 PDF 文件结构时出错（文件可能已损坏，或过大、过于复杂），未保存。"
    problem = answer.get("error", "")
    if not problem:
        return ""
    if problem == "password":
        return "PDF 文件已加密，无法读取，请上传未加密的文件。未保存。"
    if problem == "no-pages":
        return "PDF 文件没有可读取的页面，未保存。"
    return "文件不是有效的 PDF（无法读取其文件头、交叉引用表或页面），可能已损坏或不完整，未保存。"


def render_page(
    path: str, page: int, out: Path, *, scale: float, max_side: int, seconds: float, memory_mb: int
) -> dict[str, Any]:
    """Render ``page`` (1-based) of the PDF at ``path`` to the PNG ``out``: {"width", "height"} in points.

    Raises IndexError for a page the PDF does not have, ChildFailed when the child overran.
    """
    answer = run_child(
        ["render", path, str(page), str(out), str(scale), str(max_side)],
        stdin=None,
        seconds=seconds,
        memory_mb=memory_mb,
    )
    if answer.get("error") == "index":
        raise IndexError(page)
    if answer.get("error"):
        raise ChildFailed("crashed", answer["error"])
    return {"width": answer["width"], "height": answer["height"]}


# --------------------------------------------------------------------------- the child


def _limit_memory(megabytes: int) -> None:
    import resource

    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _check(data: bytes) -> dict[str, Any]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return {"error": "password" if "password" in str(exc).lower() else "format"}
    try:
        if len(pdf) < 1:
            return {"error": "no-pages"}
        page = pdf[0]
        try:
            width, height = page.get_size()
        finally:
            page.close()
        if not (width > 0 and height > 0):
            return {"error": "format"}
        return {"pages": len(pdf)}
    except pdfium.PdfiumError:
        return {"error": "format"}
    finally:
        pdf.close()


def _render(path: str, page: int, out: str, scale: float, max_side: int) -> dict[str, Any]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        if not 1 <= page <= len(pdf):
            return {"error": "index"}
        pdf_page = pdf[page - 1]
        width, height = pdf_page.get_size()
        # A freak page 50 000 pt wide must not become a gigapixel bitmap.
        bitmap = pdf_page.render(scale=min(scale, max_side / max(width, height, 1)))
        bitmap.to_pil().save(out, format="PNG", optimize=True)
        return {"width": width, "height": height}
    finally:
        pdf.close()


def main(argv: list[str]) -> int:
    _limit_memory(int(argv[0]))
    command, args = argv[1], argv[2:]
    if command == "check":
        answer = _check(sys.stdin.buffer.read())
    elif command == "render":
        path, page, out, scale, max_side = args
        answer = _render(path, int(page), out, float(scale), int(max_side))
    else:
        return 2
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
