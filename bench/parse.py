#!/usr/bin/env python3
"""Benchmark the filing parser against plain pdfplumber `page.extract_tables()`.

    python bench/parse.py FILE.pdf ...            each file on its own
    python bench/parse.py --repeat 10             the corpus's pages, 10 times over, as one
                                                  long filing (~300 pages)
    python bench/parse.py --repeat 5 A.pdf B.pdf  the given files' pages, 5 times over

Each measurement runs in its own subprocess, so the peak RSS (getrusage ru_maxrss) of one
does not include the other's. Printed per file: seconds per page for our `parse_pdf` and
for `extract_tables()` over the same pages, their ratio, and each one's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "pdf"


def _ours(path: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from filings.parsing import parse_pdf

    return int(parse_pdf(path)["page_count"])


def _plain(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()
        return len(pdf.pages)


def worker(mode: str, path: Path) -> None:
    """Run one measurement and print it as JSON (in the child process)."""
    start = time.perf_counter()
    pages = _ours(path) if mode == "ours" else _plain(path)
    seconds = time.perf_counter() - start
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"pages": pages, "seconds": seconds, "rss_mb": rss_kb / 1024}))


def measure(mode: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", mode, str(path)], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def concatenate(files: list[Path], repeat: int, target: Path) -> Path:
    """One PDF holding the files' pages, `repeat` times over (pypdfium2 import_pages)."""
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    sources = [pdfium.PdfDocument(f) for f in files]
    for _ in range(repeat):
        for src in sources:
            merged.import_pages(src)
    merged.save(target)
    for src in sources:
        src.close()
    merged.close()
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, help="filing PDFs (default: the corpus)")
    ap.add_argument(
        "--repeat", type=int, default=0, help="bench one long filing: the files' pages concatenated N times"
    )
    ap.add_argument("--worker", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return 0

    files = args.files or sorted(CORPUS.glob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        if args.repeat:
            files = [concatenate(files, args.repeat, Path(tmp) / f"repeat{args.repeat}.pdf")]
        print(
            f"{'file':<44} {'pages':>5} {'ours s/page':>11} {'plain s/page':>12} "
            f"{'ratio':>6} {'ours RSS MB':>11} {'plain RSS MB':>12}"
        )
        for path in files:
            ours = measure("ours", path)
            plain = measure("plain", path)
            pages = max(int(ours["pages"]), 1)
            print(
                f"{path.name[:44]:<44} {pages:>5} {ours['seconds'] / pages:>11.4f} "
                f"{plain['seconds'] / pages:>12.4f} "
                f"{ours['seconds'] / plain['seconds']:>6.2f} "
                f"{ours['rss_mb']:>11.1f} {plain['rss_mb']:>12.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
