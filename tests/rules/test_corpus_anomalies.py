"""The rules on every truth filing of the corpus, scored by the corpus's own scorer.

Each truth filing is its own input: a rule engine that reads the truth must
find every anomaly the truth lists (recall 1.0) and little else (precision at
least 0.9).  Filings are found by globbing, so a filing added to the corpus is
covered without touching this file.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from review.rules import run_rules, to_anomalies_json

ROOT = Path(__file__).resolve().parents[2]
TRUTH_DIR = ROOT / "tests" / "corpus" / "truth"
FILINGS = sorted(p for p in TRUTH_DIR.glob("*.json") if not p.name.endswith(".anomalies.json"))
MIN_PRECISION = 0.9


def _load(scorer: ModuleType, path: Path, schema: str) -> dict[str, Any]:
    doc: dict[str, Any] = scorer.load(path, schema)
    return doc


def test_the_corpus_is_there() -> None:
    assert FILINGS, f"no truth filings under {TRUTH_DIR}"


@pytest.mark.parametrize("truth_path", FILINGS, ids=lambda p: p.stem)
def test_rules_find_the_truth_anomalies(scorer: ModuleType, truth_path: Path, tmp_path: Path) -> None:
    truth = _load(scorer, truth_path, scorer.FILING_SCHEMA)
    expected_path = truth_path.with_name(truth_path.stem + ".anomalies.json")
    expected = _load(scorer, expected_path, scorer.ANOMALY_SCHEMA)

    report = to_anomalies_json(run_rules(truth))
    # Round-trip through a file as the scorer's users do: the report must be JSON.
    got_path = tmp_path / expected_path.name
    got_path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    got = _load(scorer, got_path, scorer.ANOMALY_SCHEMA)

    result = scorer.score_anomalies(expected, got)
    tally = result["tally"]
    missed = [(a["class"], a["table"], a["key"]) for a in result["missed"]]
    unexpected = [(a["class"], a["table"], a["key"]) for a in result["unexpected"]]
    assert tally.recall == 1.0, f"missed: {missed}"
    assert tally.precision >= MIN_PRECISION, f"unexpected: {unexpected}"
