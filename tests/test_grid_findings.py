"""Grid and package findings in the workspace: stored with their cells, highlighted on the grid tab.

A finding on a grid names its cells `values.<column path>`; a header path is as long as the
table prints it, longer than any fixed width, and is stored whole.
"""

from __future__ import annotations

import copy
import json
import re

import pytest

from review.models import Finding
from review.services import filing_check
from tests.conftest import CORPUS
from tests.test_grid_storage import store_truth
from tests.test_grid_views import section

pytestmark = pytest.mark.django_db

PUTUO = "sh-putuo-govoffice-2025-dept-budget"
# a header path of 75 characters: the “三公” table printed with its full wording
LONG = (
    "2025年部门“三公”经费和机关运行经费预算数（一般公共预算财政拨款安排，不含其他资金）"
    "/公务用车购置及运行费/小计"
)


def _truth() -> dict:
    truth = json.loads((CORPUS / "real" / "truth" / f"{PUTUO}.json").read_text())
    for table in truth["tables"]:
        for i, row in enumerate(table.get("rows") or []):
            row["page"] = table["pages"][0]
            row["bbox"] = [40.0, 120.0 + 14 * i, 560.0, 133.0 + 14 * i]
    return truth


def _long_three_public(truth: dict) -> tuple[dict, int]:
    """The truth with its “三公” columns under a long header, the car subtotal printed wrong."""
    truth = copy.deepcopy(truth)
    table = next(t for t in truth["tables"] if t.get("role") == "three_public")
    prefix = LONG.rsplit("/", 2)[0]
    renamed = {c: c.replace("“三公”经费预算数", prefix, 1) for c in table["columns"]}
    table["columns"] = [renamed[c] for c in table["columns"]]
    for row in table["rows"]:
        row["values"] = {renamed[c]: v for c, v in row["values"].items()}
        row["values"][LONG] = "10000.00"  # 购置费 and 运行费 are blank: 1.00 万元 is wrong
    return truth, table["columns"].index(LONG)


def test_a_grid_finding_keeps_a_long_cell_path_and_is_highlighted(client, reviewer) -> None:
    truth, column = _long_three_public(_truth())
    assert len(f"values.{LONG}") > 60
    filing = store_truth(truth, "l")
    filing.department.reviewers.add(reviewer)
    filing_check(filing=filing)
    finding = Finding.objects.get(
        filing=filing, rule_id="grid.column_sum", cells__contains=[f"values.{LONG}"]
    )
    assert (finding.anomaly_class, finding.table_kind, finding.key, finding.row_position) == (
        "sum_mismatch",
        "grid:three_public",
        "",
        0,
    )
    assert finding.table is not None and finding.table.role == "three_public"
    client.force_login(reviewer)
    page = client.get(f"/filings/{filing.pk}/?tab=grids").content.decode()
    html = section(page, finding.table)
    for cell in (f"c{column}", "c0"):  # the wrong subtotal, and the 合计 it counts in
        marker = f'data-cell="0:{cell}"'
        td = html[html.rfind("<td", 0, html.index(marker)) : html.index(marker)]
        assert "finding finding-error" in td


def test_a_clean_package_stores_no_finding_of_the_table_rules() -> None:
    filing = store_truth(_truth(), "c")
    filing_check(filing=filing)
    ours = Finding.objects.filter(filing=filing).filter(rule_id__regex=r"^(arith|grid|package)\.")
    assert list(ours.values_list("rule_id", "key")) == []


def test_a_missing_table_is_stored_on_no_table() -> None:
    truth = _truth()
    truth["tables"] = [t for t in truth["tables"] if t.get("role") != "government_fund"]
    filing = store_truth(truth, "m")
    filing_check(filing=filing)
    finding = Finding.objects.get(filing=filing, rule_id="package.missing_table")
    assert (finding.anomaly_class, finding.severity, finding.key, finding.table) == (
        "missing_table",
        "warning",
        "government_fund",
        None,
    )
    assert re.search("政府性基金", finding.message)


def test_the_findings_panel_links_a_grid_finding_to_its_row_on_the_grid_tab(client, reviewer) -> None:
    truth, _ = _long_three_public(_truth())
    filing = store_truth(truth, "p")
    filing.department.reviewers.add(reviewer)
    filing_check(filing=filing)
    finding = Finding.objects.filter(filing=filing, rule_id="grid.column_sum").first()
    client.force_login(reviewer)
    page = client.get(f"/filings/{filing.pk}/?tab=findings").content.decode()
    assert f'href="?tab=grids#t{finding.table_id}-r{finding.row_position}"' in page


def test_a_finding_on_no_table_is_listed_without_a_link(client, reviewer) -> None:
    truth = _truth()
    truth["tables"] = [t for t in truth["tables"] if t.get("role") != "government_fund"]
    filing = store_truth(truth, "n")
    filing.department.reviewers.add(reviewer)
    filing_check(filing=filing)
    client.force_login(reviewer)
    page = client.get(f"/filings/{filing.pk}/?tab=findings").content.decode()
    assert '<span class="finding-link">government_fund</span>' in page
    assert "table-None" not in page
