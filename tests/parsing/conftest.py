"""Fixtures for the parser tests: each corpus PDF parsed once per session."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
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


@pytest.fixture(scope="session")
def parsed_corpus() -> dict[str, dict[str, Any]]:
    """name -> parsed document, filled lazily so each PDF is parsed once per session."""
    return {}


@pytest.fixture
def parsed(corpus_name: str, parsed_corpus: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from filings.parsing import parse_pdf

    if corpus_name not in parsed_corpus:
        parsed_corpus[corpus_name] = parse_pdf(CORPUS / "pdf" / f"{corpus_name}.pdf")
    return parsed_corpus[corpus_name]


@pytest.fixture
def truth(corpus_name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(
        (CORPUS / "truth" / f"{corpus_name}.json").read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="session")
def scorer() -> ModuleType:
    """tests/tools/score_filing.py, imported from its path."""
    path = ROOT / "tests" / "tools" / "score_filing.py"
    spec = importlib.util.spec_from_file_location("score_filing", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_filing"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module
