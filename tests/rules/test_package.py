"""The package as a whole: no Django, a sound registry, the anomalies report."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

import review.rules as rules_pkg
from review.rules import RULES, SCHEMA_CLASSES, Finding, Severity, run_rules, to_anomalies_json
from tests.contract.imports import imported_modules

from .factories import filing, item, project_list, targets

PACKAGE_DIR = Path(rules_pkg.__file__).parent
TEST_DIR = Path(__file__).parent
# The standard library and the pure contract package (no Django, no pdfplumber either).
ALLOWED_ROOTS = {
    "__future__",
    "budget_filing",
    "collections",
    "dataclasses",
    "decimal",
    "difflib",
    "enum",
    "functools",
    "re",
    "typing",
    "unicodedata",
}


@pytest.mark.parametrize("path", sorted(PACKAGE_DIR.glob("*.py")), ids=lambda p: p.name)
def test_no_django_and_nothing_outside_the_package(path: Path) -> None:
    for module, level in imported_modules(path):
        assert not module.startswith("django"), f"{path.name} imports {module}"
        if level == 0:
            # Only the standard library and the contract: the rules must run without the project.
            assert module.split(".")[0] in ALLOWED_ROOTS, f"{path.name} imports {module}"


def test_registry_ids_classes_and_severities() -> None:
    assert len(RULES) >= 20
    for rule_id, rule in RULES.items():
        assert rule.rule_id == rule_id and "." in rule_id
        assert isinstance(rule.severity, Severity)
        assert rule.title
        # Our own warnings must not borrow a SCHEMA class name by accident.
        assert rule.anomaly_class in SCHEMA_CLASSES or rule.severity != Severity.ERROR


def test_every_rule_has_a_unit_test() -> None:
    text = "".join(
        p.read_text(encoding="utf-8") for p in TEST_DIR.glob("test_*.py") if p.name != Path(__file__).name
    )
    untested = [r for r in RULES if f'"{r}"' not in text]
    assert untested == []


def test_finding_is_frozen_and_serialisable() -> None:
    doc = filing(project_list(item("甲", 1000000, 2000000, 990000)))
    [f] = run_rules(doc, rule_ids=["arith.change"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.key = "乙"  # type: ignore[misc]
    assert hash(f) == hash(dataclasses.replace(f))
    d = f.as_dict()
    assert d["cells"] == ["initial", "adjusted", "change"]
    assert d["printed"] == "990000.00" and d["expected"] == "1000000.00"
    assert isinstance(f.printed, Decimal)


def test_run_rules_does_not_change_the_document() -> None:
    doc = filing(project_list(item("甲", 1000000, 2000000, 999999)), targets("甲", 1, 2))
    before = repr(doc)
    run_rules(doc)
    assert repr(doc) == before


def test_anomalies_report_has_one_entry_per_class_table_key() -> None:
    # A wrong figure in two columns of one row is one anomaly, two findings.
    doc = filing(project_list(item("甲", 1000000, 2000000, 500000), item("乙", 1000000, 2000000, 1000000)))
    doc["tables"][0]["rows"][0]["change"] = "500000.00"
    doc["tables"][0]["rows"][0]["adjusted"] = "2000000.00"
    findings = run_rules(doc)
    findings = findings + findings
    report = to_anomalies_json(findings)
    assert report["schema"] == "budget-anomalies/1"
    triples = [(a["class"], a["table"], a["key"]) for a in report["anomalies"]]
    assert len(triples) == len(set(triples))
    assert ("change_mismatch", "project_expenditure", "甲") in triples
    assert all(a["detail"] for a in report["anomalies"])


def test_empty_or_odd_documents_do_not_crash() -> None:
    assert run_rules({}) == []
    assert (
        run_rules(
            {
                "tables": [
                    {"kind": "project_expenditure", "rows": None},
                    {"kind": "project_performance"},
                    "junk",
                ]
            }
        )
        == []
    )


def test_finding_fields() -> None:
    names = {f.name for f in dataclasses.fields(Finding)}
    assert {
        "rule_id",
        "anomaly_class",
        "severity",
        "table_kind",
        "table_index",
        "key",
        "row_index",
        "cells",
        "message",
        "printed",
        "expected",
        "detail",
    } <= names
