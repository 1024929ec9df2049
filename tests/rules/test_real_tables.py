"""The table and package rules on the real filings (parsed from their PDFs, once per session).

The Jiangsu and the 普陀政府办 packages are clean (no anomaly at all); the 司法局's three
anomalies are in its 说明 (the narrative rules'); the 决算 is a clean published filing.  The
rules of this family (sums in every table, the package's identities, completeness, empty-table
notes) must add nothing to any of them, and the whole engine must give each package exactly its
truth's anomalies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from review.rules import RULES, SCHEMA_CLASSES, run_rules, to_anomalies_json
from review.rules.package import is_package

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "corpus" / "real"
PACKAGES = sorted(p.name[: -len(".anomalies.json")] for p in (REAL / "truth").glob("*.anomalies.json"))
FINAL = "sh-putuo-planning-2024-final-accounts"
# the rule families of tables and packages (the 说明's are `narrative.*`)
TABLE_RULES = [r for r in RULES if r.split(".")[0] in ("arith", "grid", "package")]


def _triples(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(a["class"], a["table"], a["key"]) for a in report["anomalies"] if a["class"] in SCHEMA_CLASSES}


def test_the_real_packages_are_there() -> None:
    assert len(PACKAGES) == 3 and (REAL / "pdf" / f"{FINAL}.pdf").exists()


@pytest.mark.parametrize("name", [*PACKAGES, FINAL])
def test_table_rules_find_nothing_on_the_real_filings(real_parse: Callable[[str], dict], name: str) -> None:
    found = run_rules(real_parse(name), TABLE_RULES)
    assert [(f.rule_id, f.table_kind, f.key, f.message) for f in found] == []


@pytest.mark.parametrize("name", PACKAGES)
def test_real_packages_give_exactly_their_truth(real_parse: Callable[[str], dict], name: str) -> None:
    truth = json.loads((REAL / "truth" / f"{name}.anomalies.json").read_text(encoding="utf-8"))
    got = to_anomalies_json(run_rules(real_parse(name)))
    assert _triples(got) == _triples(truth)


@pytest.mark.parametrize("name", PACKAGES)
def test_real_packages_are_recognised_as_packages(real_parse: Callable[[str], dict], name: str) -> None:
    from review.rules.model import Filing

    assert is_package(Filing(real_parse(name)))


def test_the_final_accounts_are_no_package(real_parse: Callable[[str], dict]) -> None:
    from review.rules.model import Filing

    assert not is_package(Filing(real_parse(FINAL)))


def test_the_jiangsu_summary_counts_its_subtotal_once(real_parse: Callable[[str], dict]) -> None:
    # 收入合计 = 当年收入小计 + 上年结转资金; 当年支出小计 = Σ 功能 = 基本 + 项目 + 机动.
    doc = real_parse("js-npc-office-2019-budget-tables")
    assert run_rules(doc, ["arith.summary_sum", "arith.balance"]) == []
    table = next(t for t in doc["tables"] if t["kind"] == "income_expense_summary")
    broken = json.loads(json.dumps(doc))
    summary = next(t for t in broken["tables"] if t["kind"] == "income_expense_summary")
    row = next(r for r in summary["rows"] if r["label"] == "二、项目支出")
    row["initial"] = f"{Decimal(row['initial']) + 10000:.2f}"
    found = run_rules(broken, ["arith.summary_sum"])
    assert [(f.key, f.expected - f.printed) for f in found] == [("当年支出小计", 10000)]
    assert table["rows"] != summary["rows"]
