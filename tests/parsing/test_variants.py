"""Rendered variants of corpus filings parse to their truth, like the corpus itself.

Each `variants/<name>.pdf` was rendered from a corpus truth by `tools/render_variant.py`
with other fonts, widths, units, code columns or header wording (the knobs of each are in
`variants/README.md`), and `variants/<name>.json` is its truth. They hold the parser to
layouts the corpus does not have; LibreOffice is needed only to re-render them, never here.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from filings.parsing import parse_pdf

VARIANTS = Path(__file__).resolve().parent / "variants"
NAMES = sorted(p.stem for p in VARIANTS.glob("*.pdf"))
MIN_F1 = 0.995
MIN_AMOUNTS = 0.999


@pytest.mark.parametrize("name", NAMES)
def test_variant_scores_against_truth(name: str, scorer: ModuleType) -> None:
    truth: dict[str, Any] = json.loads((VARIANTS / f"{name}.json").read_text(encoding="utf-8"))
    # through JSON, as the scorer reads files
    got = json.loads(json.dumps(parse_pdf(VARIANTS / f"{name}.pdf"), ensure_ascii=False))
    result = scorer.score(truth, got)
    assert all(v["ok"] for v in result["filing"].values()), result["filing"]
    assert result["cells"]["overall"].f1 >= MIN_F1, scorer.report(result)
    assert result["cells"]["amounts"].rate >= MIN_AMOUNTS, scorer.report(result)


def test_every_variant_has_its_truth() -> None:
    assert NAMES
    for name in NAMES:
        assert (VARIANTS / f"{name}.json").is_file(), name
