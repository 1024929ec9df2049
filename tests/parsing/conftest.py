"""Fixtures for the parser tests: each corpus PDF parsed once per session."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
CORPUS_PDFS = sorted((CORPUS / "pdf").glob("*.pdf"))

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # one test per corpus file, by the names the corpus actually holds
    if "corpus_name" in metafunc.fixturenames:
        metafunc.parametrize("corpus_name", [p.stem for p in CORPUS_PDFS])


@pytest.fixture
def parsed(corpus_name: str, corpus_parse: Any) -> dict[str, Any]:
    """The parser's output for the corpus file; each PDF is parsed once per session (tests/conftest.py)."""
    result: dict[str, Any] = corpus_parse(corpus_name)
    return result


@pytest.fixture
def truth(corpus_name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((CORPUS / "truth" / f"{corpus_name}.json").read_text(encoding="utf-8"))
    return doc
