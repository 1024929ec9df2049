"""Run the parser on one file in a forked child, bounded in time and memory, as a worker would.

The worker parses in a pool child under Celery's time limits; a file that makes the parser
hang, eat memory or die must cost that child, never the caller. ``parse_in_child`` gives the
fuzz and hostile-input tests the same bounds, plus the answer the app would record:
the document status and the clerk's message from ``filings.services._outcome``.
"""

from __future__ import annotations

import multiprocessing
import resource
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The worker's soft limit (PARSE_SOFT_TIME_LIMIT) and about what a worker child may use.
DEFAULT_TIME_LIMIT = 300.0
DEFAULT_MEMORY_BYTES = 1536 * 1024 * 1024


@dataclass
class ChildResult:
    """What happened in the child: ``kind`` is parsed, parse_error, crash, hang or died."""

    kind: str
    message: str = ""
    parsed: dict[str, Any] = field(default_factory=dict)
    peak_rss_mb: float = 0.0


def _child(path: str, memory_bytes: int, conn: Any) -> None:
    # RLIMIT_AS makes a runaway allocation a MemoryError here instead of the OOM killer
    # picking some other process on the machine.
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from filings.parsing import ParseError, parse_pdf

    try:
        parsed = parse_pdf(path)
        kind, message = "parsed", ""
    except ParseError as exc:
        parsed, kind, message = {}, "parse_error", str(exc)
    except BaseException as exc:  # noqa: B036 - anything else is the finding we look for
        parsed, kind = {}, "crash"
        message = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Only what the outcome needs crosses the pipe: a 10 000-page dict would be slow to send.
    summary = {
        key: parsed.get(key) for key in ("department", "year", "stage", "page_count", "pages_without_text")
    }
    summary["tables"] = [{"title": t.get("title", "")} for t in parsed.get("tables") or []]
    conn.send(ChildResult(kind, message, summary if parsed else {}, rss))
    conn.close()


def parse_in_child(
    path: Path | str,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
) -> ChildResult:
    """Parse ``path`` in a forked child; a hang past ``time_limit`` seconds kills it."""
    # fork, not spawn: the parser is already imported here, so a case costs milliseconds.
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(str(path), memory_bytes, send), daemon=True)
    process.start()
    send.close()
    try:
        if receive.poll(time_limit):
            try:
                return receive.recv()
            except EOFError:  # the child died before it could answer
                process.join(5)
                return ChildResult("died", f"exit code {process.exitcode}")
        return ChildResult("hang", f"no answer within {time_limit:.0f} s")
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(5)


def app_status(result: ChildResult) -> tuple[str, str]:
    """The (status, message) the worker would store for this result (Django must be set up)."""
    from filings.models import Document
    from filings.services import _outcome

    if result.kind == "parse_error":
        return Document.Status.FAILED, result.message
    if result.kind == "parsed":
        return _outcome(result.parsed)
    raise AssertionError(f"the parser did not end cleanly ({result.kind}): {result.message}")
