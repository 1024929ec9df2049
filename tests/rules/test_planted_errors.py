"""Errors planted into the corpus filings must be found where they were planted.

The rows are picked by structure (the first project row with both amounts, the
first 项 code with a total), never by name, so this checks that the rules
follow the tables' structure rather than the corpus they were written against.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from review.rules import run_rules, to_anomalies_json

TRUTH_DIR = Path(__file__).resolve().parents[2] / "tests" / "corpus" / "truth"
ADJUSTMENTS = sorted(
    p
    for p in TRUTH_DIR.glob("*.json")
    if not p.name.endswith(".anomalies.json")
    and json.loads(p.read_text(encoding="utf-8")).get("stage") == "adjustment"
)


def _new(planted: dict[str, Any], truth: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(class, table, key) of findings the planted document has and the truth has
    not; compared with their messages, so a row that was already wrong and now
    is wrong by another amount counts as new."""

    def findings(doc: dict[str, Any]) -> set[tuple[str, str, str, str]]:
        return {(f.anomaly_class, f.table_kind, f.key, f.message) for f in run_rules(doc)}

    fresh = findings(planted) - findings(truth)
    report = to_anomalies_json(run_rules(planted))
    listed = {(a["class"], a["table"], a["key"]) for a in report["anomalies"]}
    keys = {f[:3] for f in fresh}
    assert keys <= listed
    return keys


def _bump(value: str | None, by: str) -> str:
    return f"{Decimal(value or '0') + Decimal(by):.2f}"


def _table(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(t for t in doc["tables"] if t["kind"] == kind)


@pytest.fixture(params=ADJUSTMENTS, ids=lambda p: p.stem)
def truth(request: pytest.FixtureRequest) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(request.param.read_text(encoding="utf-8"))
    return doc


def test_wrong_change_on_a_project_row(truth: dict[str, Any]) -> None:
    doc = copy.deepcopy(truth)
    table = _table(doc, "project_expenditure")
    row = next(
        r
        for r in table["rows"]
        if not r["subtotal"]
        and r["initial"]
        and r["adjusted"]
        and Decimal(r["initial"]) != Decimal(r["adjusted"])
    )
    row["change"] = _bump(row["change"], "10000")
    found = _new(doc, truth)
    assert ("change_mismatch", "project_expenditure", row["name"]) in found
    assert ("sum_mismatch", "project_expenditure", row["section"]) in found


def test_wrong_total_on_a_functional_item(truth: dict[str, Any]) -> None:
    doc = copy.deepcopy(truth)
    table = _table(doc, "functional_expenditure")
    codes = [r["code"] for r in table["rows"] if r["code"]]
    row = next(
        r
        for r in table["rows"]
        if r["code"] and len(r["code"]) == 7 and r["initial"]["total"] and codes.count(r["code"]) == 1
    )
    parent = next(c for c in (row["code"][:5], row["code"][:3]) if c in codes)
    row["initial"]["total"] = _bump(row["initial"]["total"], "1.00")
    found = _new(doc, truth)
    assert ("split_mismatch", "functional_expenditure", row["code"]) in found
    assert ("sum_mismatch", "functional_expenditure", parent) in found


def test_target_table_funds_differ_from_the_project_list(truth: dict[str, Any]) -> None:
    doc = copy.deepcopy(truth)
    listed = {r["name"] for r in _table(doc, "project_expenditure")["rows"]}
    names = [t["project"] for t in doc["tables"] if t["kind"] == "project_performance"]
    target = next(
        t
        for t in doc["tables"]
        if t["kind"] == "project_performance"
        and t["project"] in listed
        and names.count(t["project"]) == 1
        and t["funds"]["adjusted"]["total"]
    )
    funds = target["funds"]["adjusted"]
    funds["total"] = _bump(funds["total"], "10000")
    funds["fiscal"] = _bump(funds["fiscal"], "10000")
    found = _new(doc, truth)
    assert ("cross_table_mismatch", "project_performance", target["project"]) in found


def test_income_total_no_longer_balances(truth: dict[str, Any]) -> None:
    doc = copy.deepcopy(truth)
    table = _table(doc, "income_expense_summary")
    row = next(r for r in table["rows"] if r["side"] == "income" and "总计" in r["label"])
    row["adjusted"] = _bump(row["adjusted"], "5.00")
    row["change"] = _bump(row["change"], "5.00")
    found = _new(doc, truth)
    assert ("balance_mismatch", "income_expense_summary", row["label"]) in found
    assert ("sum_mismatch", "income_expense_summary", row["label"]) in found
