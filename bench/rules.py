"""Time `review.rules.run_rules` on one filing.

    .venv/bin/python bench/rules.py                      # the largest truth filing
    .venv/bin/python bench/rules.py FILING.json -n 200   # any budget-filing/1 document
    .venv/bin/python bench/rules.py FILING.pdf --per-rule  # a PDF, parsed first; ms per rule

Prints milliseconds per run (best and median of N) with the finding count, so
a change to a rule can be weighed against the goal of well under a second for
a 60-page filing.  No Django needed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from review.rules import RULES, run_rules, to_anomalies_json  # noqa: E402

DEFAULT = ROOT / "tests" / "corpus" / "truth" / "zunyi-hrss-2024-adjustment.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "filing",
        nargs="?",
        type=Path,
        default=DEFAULT,
        help="a budget-filing/1 JSON, or a PDF to parse first (default: %(default)s)",
    )
    ap.add_argument("-n", "--repeat", type=int, default=100, help="runs to time")
    ap.add_argument("--per-rule", action="store_true", help="also print each rule's best time")
    args = ap.parse_args(argv)

    if args.filing.suffix.lower() == ".pdf":
        from filings.parsing import parse_pdf  # the parser, not timed

        doc = parse_pdf(args.filing)
    else:
        doc = json.loads(args.filing.read_text(encoding="utf-8"))
    pages = {p for t in doc.get("tables", []) for p in t.get("pages") or []}
    run_rules(doc)  # warm-up: first-use regex compilation is not what we measure
    times = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        findings = run_rules(doc)
        times.append((time.perf_counter() - start) * 1000)
    anomalies = to_anomalies_json(findings)["anomalies"]
    print(
        f"{args.filing.name}: {len(doc.get('tables', []))} tables, {len(pages)} pages; "
        f"{len(findings)} findings, {len(anomalies)} anomalies"
    )
    print(
        f"run_rules: {min(times):.2f} ms best, {statistics.median(times):.2f} ms median "
        f"per run over {len(times)} runs"
    )
    if args.per_rule:
        for rule_id in RULES:
            best = min(_timed(doc, rule_id) for _ in range(max(1, args.repeat // 10)))
            print(f"  {rule_id:28} {best:7.2f} ms")
    return 0


def _timed(doc: dict, rule_id: str) -> float:
    start = time.perf_counter()
    run_rules(doc, [rule_id])
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    sys.exit(main())
