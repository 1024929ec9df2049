"""Scanned filings read by OCR: cells right, and no misread amount shown as certain.

The scans in tests/corpus/scans are corpus PDFs printed and scanned by tools/make_scan.py
(skew, blur, noise, JPEG, a red seal); their truth is their source's (manifest.json). What
matters most is not a perfect reading but that every amount OCR got wrong is flagged: its
cell's confidence is below DOUBT_CONFIDENCE, so the reviewer checks it against the page.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any, Callable
from unittest import mock

import pytest

from budget_filing.document import DOUBT_CONFIDENCE

ROOT = Path(__file__).resolve().parents[2]
SCANS = ROOT / "tests" / "corpus" / "scans"
MANIFEST: dict[str, dict[str, Any]] = json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))
NAMES = sorted(MANIFEST)
MIN_F1 = 0.98
MIN_AMOUNTS = 0.99


@pytest.fixture(scope="session")
def scan_parse() -> Callable[[str], dict[str, Any]]:
    """name -> the parser's output for a kept scan, each parsed once per session."""
    from filings.parsing import parse_pdf

    cache: dict[str, dict[str, Any]] = {}

    def get(name: str) -> dict[str, Any]:
        if name not in cache:
            done: list[tuple[int, int]] = []
            doc = parse_pdf(SCANS / f"{name}.pdf", progress=lambda d, t: done.append((d, t)))
            doc["_progress"] = done
            cache[name] = json.loads(json.dumps(doc, ensure_ascii=False))
        return cache[name]

    return get


def _truth(name: str) -> dict[str, Any]:
    source = MANIFEST[name]["truth"]
    doc: dict[str, Any] = json.loads(
        (ROOT / "tests" / "corpus" / "truth" / f"{source}.json").read_text("utf-8")
    )
    return doc


def _doubted(got: dict[str, Any], scorer: ModuleType) -> dict[tuple[str, str, str], float]:
    """(table id, row key, field) as the scorer names facts -> the OCR confidence of its cell."""
    out: dict[tuple[str, str, str], float] = {}
    for table_id, table in scorer.with_occurrence(got["tables"], scorer.table_identity):
        kind = table["kind"]
        keys: dict[tuple[str, int], str] = {}
        for which, key_of in (("rows", partial(scorer.row_key, kind)), ("indicators", scorer.indicator_key)):
            for i, (key, _) in enumerate(scorer.with_occurrence(table.get(which) or [], key_of)):
                keys[(which, i)] = key
        which = "indicators" if "indicators" in table else "rows"
        for cell in table.get("ocr") or []:
            row = "" if cell["row"] is None else keys.get((which, cell["row"]))
            if row is None:
                continue
            field = cell["field"]
            if field.startswith("values."):
                field = f"values[{scorer.norm_text(field[7:]) or ''}]"
            out[(table_id, row, field)] = cell["confidence"]
    return out


@pytest.mark.parametrize("name", NAMES)
def test_scan_scores_against_truth(name: str, scan_parse: Callable[[str], dict], scorer: ModuleType) -> None:
    got = scan_parse(name)
    result = scorer.score(_truth(name), got)
    assert all(v["ok"] for v in result["filing"].values()), result["filing"]
    assert result["cells"]["overall"].f1 >= MIN_F1, scorer.report(result)
    assert result["cells"]["amounts"].rate >= MIN_AMOUNTS, scorer.report(result)


@pytest.mark.parametrize("name", NAMES)
def test_every_misread_amount_is_doubted(
    name: str, scan_parse: Callable[[str], dict], scorer: ModuleType
) -> None:
    got = scan_parse(name)
    cells = scorer.score_cells(_truth(name), got)
    _, _, amount_keys = scorer.flatten(got)
    _, _, truth_amounts = scorer.flatten(_truth(name))
    doubted = _doubted(got, scorer)
    wrong = [
        (d["table"], d["row"], d["field"])
        for d in cells["differences"]
        # a misread label makes its row missing and extra, not wrong: only a figure read in its
        # own row and column can be shown as certain and be wrong
        if d["status"] == "wrong" and (d["table"], d["row"], d["field"]) in amount_keys | truth_amounts
    ]
    shown_as_certain = [k for k in wrong if doubted.get(k, 1.0) >= DOUBT_CONFIDENCE]
    assert shown_as_certain == [], (shown_as_certain, scorer.report(scorer.score(_truth(name), got)))


@pytest.mark.parametrize("name", NAMES)
def test_scans_report_their_pages_and_cells(name: str, scan_parse: Callable[[str], dict]) -> None:
    got = scan_parse(name)
    spec = MANIFEST[name]
    assert got["pages_scanned"] == spec["scanned"]
    assert got["pages_blank"] == spec["blank"]
    assert got["pages_without_text"] == []
    assert got["ocr_engine"].startswith("rapidocr-onnxruntime ")
    assert got["_progress"] == [[n, got["page_count"]] for n in range(1, got["page_count"] + 1)]
    scanned = set(spec["scanned"])
    for table in got["tables"]:
        on_scan = bool(scanned & set(table["pages"]))
        assert ("ocr" in table) == on_scan, table["title"]
        for cell in table.get("ocr", []):
            assert cell["page"] in scanned and 0.0 <= cell["confidence"] <= 1.0
            assert len(cell["bbox"]) == 4 and cell["bbox"][0] < cell["bbox"][2]
            rows = table.get("rows") or table.get("indicators") or []
            assert cell["row"] is None or 0 <= cell["row"] < len(rows)
    amounts = [c for t in got["tables"] for c in t.get("ocr", []) if c["field"] != "initial.value"]
    assert amounts, "every scan here prints amounts"


def test_scanned_pages_is_cheap_and_matches(scan_parse: Callable[[str], dict]) -> None:
    from filings.parsing import scanned_pages

    with mock.patch("filings.parsing.ocr.read_scan", side_effect=AssertionError("OCR ran")):
        for name in NAMES:
            assert scanned_pages(SCANS / f"{name}.pdf") == MANIFEST[name]["scanned"]


def test_text_pdfs_never_call_ocr() -> None:
    from filings.parsing import parse_pdf, scanned_pages

    pdf = ROOT / "tests" / "corpus" / "pdf" / "synth-bijie-hrss-2024-original.pdf"
    with mock.patch("filings.parsing.ocr.read_scan", side_effect=AssertionError("OCR ran")):
        doc = parse_pdf(pdf)
        assert scanned_pages(pdf) == []
    assert doc["pages_scanned"] == doc["pages_blank"] == doc["pages_without_text"] == []
    assert "ocr_engine" not in doc and all("ocr" not in t for t in doc["tables"])


def test_scan_with_ocr_off_is_a_page_without_text() -> None:
    from filings.parsing import parse_pdf

    with mock.patch("filings.parsing.ocr.read_scan", side_effect=AssertionError("OCR ran")):
        doc = parse_pdf(SCANS / "qiandongnan-mixed-blank.pdf", ocr=False)
    spec = MANIFEST["qiandongnan-mixed-blank"]
    assert doc["pages_without_text"] == spec["scanned"]
    assert doc["pages_blank"] == spec["blank"] and doc["pages_scanned"] == []


@pytest.mark.parametrize("name", NAMES)
def test_every_amount_read_from_a_scan_keeps_its_own_confidence(
    name: str, scan_parse: Callable[[str], dict]
) -> None:
    """Each figure on a scanned page has an OCR entry at its own row and field.

    A figure without one is shown as certain whatever OCR made of it. The 收支总表's income rows
    span both panels: they used to take the expense cell beside a blank as their own, leaving
    the expense figure with no confidence (and a 待核对 on a blank cell).
    """
    from filings.parsing.ocr.confidence import _fields

    got = scan_parse(name)
    scanned = set(MANIFEST[name]["scanned"])
    missing = []
    for table in got["tables"]:
        entries = {(c["row"], c["field"]) for c in table.get("ocr", [])}
        for i, row in enumerate(table.get("rows") or []):
            if row.get("page") not in scanned:
                continue
            for field, value, amount in _fields(table["kind"], row):
                if amount and value is not None and (i, field) not in entries:
                    missing.append((table["title"], row.get("label") or row.get("name"), field, value))
    assert missing == []
