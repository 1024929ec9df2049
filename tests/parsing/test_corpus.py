"""Every corpus filing parses to its truth: cells F1 >= 0.995, amounts exact >= 0.999."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

MIN_F1 = 0.995
MIN_AMOUNTS = 0.999


def test_scores_against_truth(
    corpus_name: str, parsed: dict[str, Any], truth: dict[str, Any], scorer: ModuleType
) -> None:
    # through JSON, as the scorer reads files: Decimals and dates must not leak out
    got = json.loads(json.dumps(parsed, ensure_ascii=False))
    result = scorer.score(truth, got)
    cells = result["cells"]
    assert all(v["ok"] for v in result["filing"].values()), result["filing"]
    assert cells["overall"].f1 >= MIN_F1, scorer.report(result)
    assert cells["amounts"].rate >= MIN_AMOUNTS, scorer.report(result)


def test_filing_facts(parsed: dict[str, Any], truth: dict[str, Any]) -> None:
    for key in ("schema", "department", "year", "stage"):
        assert parsed[key] == truth[key]
    assert parsed["page_count"] >= max(p for t in truth["tables"] for p in t["pages"])
    assert parsed["pages_without_text"] == []


def test_rows_keep_provenance(parsed: dict[str, Any]) -> None:
    for table in parsed["tables"]:
        assert table["pages"]
        for item in (table.get("rows") or []) + (table.get("indicators") or []):
            assert item["page"] in table["pages"]
            x0, top, x1, bottom = item["bbox"]
            assert x0 < x1 and top < bottom


def test_amounts_are_two_place_strings(parsed: dict[str, Any]) -> None:
    for table in parsed["tables"]:
        for row in table.get("rows") or []:
            for col in ("initial", "adjusted", "change"):
                values = row.get(col)
                for v in values.values() if isinstance(values, dict) else [values]:
                    assert v is None or (
                        isinstance(v, str) and v.split(".")[1:] != [] and len(v.split(".")[1]) == 2
                    ), v
