"""Fuzz the parser with mutated corpus PDFs: every case ends parsed, failed, needs_ocr or needs_details.

Each case takes a corpus filing and damages it the ways real uploads are damaged (cut off
mid-transfer, bytes flipped, objects reordered, duplicated or lost, two files spliced), then
parses it in a forked child under the worker's time limit and a 1.5 GB address-space limit
(``tests/fuzz/runner.py``). The parser may only return a result or raise ParseError; the
status the app would store must be one a clerk can act on, and failed/needs_ocr carry a message.

CI runs a fixed, derandomized set of cases on the two shortest filings. For a long run:

    FUZZ_CASES=5000 FUZZ_LOG=var/fuzz.tsv bin/test tests/fuzz -q     (all six corpus filings)

FUZZ_LOG appends one line per case (file, mutation, outcome, seconds, peak RSS, the damaged
file's path, the message) for the notes. A long run stops at its first finding, unshrunk.
"""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from filings.models import Document
from filings.parsing import ParseError, parse_pdf
from filings.uploads import check_pdf
from tests.fuzz.conftest import FUZZ_TALLY
from tests.fuzz.runner import app_status, parse_in_child

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "pdf"
LONG_RUN = "FUZZ_CASES" in os.environ
CASES = int(os.environ.get("FUZZ_CASES", "100"))
# The two shortest filings keep a CI case near 0.2 s; a long run damages all of them.
NAMES = (
    sorted(p.name for p in CORPUS.glob("*.pdf"))
    if LONG_RUN
    else ["synth-bijie-hrss-2024-original.pdf", "synth-qiandongnan-hrss-2026-original.pdf"]
)
ORIGINALS = {name: (CORPUS / name).read_bytes() for name in NAMES}
OBJECT = re.compile(rb"\d+ \d+ obj\b.*?endobj\s*", re.S)


def _blocks(data: bytes) -> tuple[bytes, list[bytes], bytes]:
    """The bytes before the first object, the objects, and what follows the last one."""
    spans = [m.span() for m in OBJECT.finditer(data)]
    return data[: spans[0][0]], [data[a:b] for a, b in spans], data[spans[-1][1] :]


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, str, bytes]:
    name = draw(st.sampled_from(NAMES))
    data = ORIGINALS[name]
    kind = draw(st.sampled_from(["truncate", "flip", "shuffle", "duplicate", "drop", "splice", "zero"]))
    if kind == "truncate":
        out = data[: draw(st.integers(0, len(data) - 1))]
    elif kind == "flip":
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 32))):
            buf[draw(st.integers(0, len(buf) - 1))] = draw(st.integers(0, 255))
        out = bytes(buf)
    elif kind == "zero":
        start = draw(st.integers(0, len(data) - 1))
        length = draw(st.integers(1, 4096))
        out = data[:start] + b"\0" * length + data[start + length :]
    elif kind == "splice":
        other = ORIGINALS[draw(st.sampled_from(NAMES))]
        out = data[: draw(st.integers(0, len(data)))] + other[draw(st.integers(0, len(other))) :]
    else:
        head, blocks, tail = _blocks(data)
        if kind == "shuffle":
            blocks = draw(st.permutations(blocks))
        elif kind == "duplicate":
            for _ in range(draw(st.integers(1, 5))):
                block = draw(st.sampled_from(blocks))
                blocks.insert(draw(st.integers(0, len(blocks))), block)
        else:
            for _ in range(draw(st.integers(1, min(10, len(blocks) - 1)))):
                blocks.pop(draw(st.integers(0, len(blocks) - 1)))
        out = head + b"".join(blocks) + tail
    return name, kind, out


@pytest.mark.slow
@settings(
    max_examples=CASES,
    derandomize=not LONG_RUN,
    # A long run stops at its first finding without shrinking (slow on 400 KB inputs): the
    # FUZZ_LOG line names the file kept in pytest's temporary directory.
    phases=[Phase.explicit, Phase.generate] if LONG_RUN else list(Phase),
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=damaged())
def test_damaged_pdf_ends_in_a_status_with_a_message(case, tmp_path_factory):
    name, kind, data = case
    FUZZ_TALLY["cases"] += 1
    refusal = check_pdf(name, data)
    if refusal:  # what the upload page refuses never reaches the parser
        FUZZ_TALLY["refused at upload"] += 1
        assert "未保存" in refusal
        return
    # One file per corpus name, overwritten case after case: a long run would otherwise leave
    # gigabytes behind. The failing case stops the run, so its file is the one kept.
    folder = tmp_path_factory.getbasetemp() / "fuzz"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    started = time.monotonic()
    result = parse_in_child(path)
    if os.environ.get("FUZZ_LOG"):
        with open(os.environ["FUZZ_LOG"], "a", encoding="utf-8") as log:
            log.write(
                f"{name}\t{kind}\t{result.kind}\t{time.monotonic() - started:.2f}\t"
                f"{result.peak_rss_mb:.0f}\t{path}\t{result.message[-300:]!r}\n"
            )
    status, message = app_status(result)
    FUZZ_TALLY[str(status)] += 1
    # needs_details: tables were read but the department, year or stage was damaged away
    assert status in {
        Document.Status.PARSED,
        Document.Status.FAILED,
        Document.Status.NEEDS_OCR,
        Document.Status.NEEDS_DETAILS,
    }
    if status != Document.Status.PARSED:
        assert message.strip(), f"{kind} of {name} ended {status} without a message"
    # Chinese for the clerk, never a bare exception text.
    assert re.search(r"[\u4e00-\u9fff]", message or "解"), message


def test_broken_page_dictionary_is_a_parse_error_not_a_crash():
    # Found by the long fuzz run: pdfplumber's close() walks the broken page tree again, so
    # closing after the error raised PdfminerException past our handler. One stray token in
    # the first page's dictionary is enough.
    original = ORIGINALS["synth-bijie-hrss-2024-original.pdf"]
    data = original.replace(b"/Type/Page/Parent", b"/Type/Page 7/Parent", 1)
    assert data != original
    with pytest.raises(ParseError, match="文件已损坏"):
        parse_pdf(io.BytesIO(data))
