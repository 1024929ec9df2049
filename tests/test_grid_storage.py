"""Grid tables in PostgreSQL: the real filings' truth stored row by row and cell by cell, exported
back in the schema's exact form and scored against the same truth."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budget_filing.kinds import GRID
from filings import services
from filings.interchange import filing_to_dict
from filings.models import Department, Document, Filing, GridCell, GridRow, ParsedTable
from tests.conftest import CORPUS
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db

REAL = sorted(p for p in (CORPUS / "real" / "truth").glob("*.json") if not p.name.endswith(".anomalies.json"))


def real_truth(path) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(path.read_text())


def store_truth(truth: dict, sha: str = "t") -> Filing:
    """The truth's tables stored on a Filing made for it, as the parse of one document would be."""
    department, _ = Department.objects.get_or_create(name=truth["department"])
    same = Filing.objects.filter(department=department, year=truth["year"], stage=truth["stage"])
    filing = Filing.objects.create(
        department=department, year=truth["year"], stage=truth["stage"], version=same.count() + 1
    )
    document = Document.objects.create(
        filing=filing,
        original_filename=f"{sha}.pdf",
        sha256=sha * 64,
        size=1,
        content_type="application/pdf",
        file=f"{sha}.pdf",
        status=Document.Status.PARSED,
    )
    services.store_tables(filing=filing, document=document, tables=truth["tables"], year=truth["year"])
    return Filing.objects.select_related("department").get(pk=filing.pk)


def _without_provenance(doc: dict) -> dict:
    for table in doc["tables"]:
        for row in table.get("rows") or []:
            row.pop("page", None)
            row.pop("bbox", None)
    return doc


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_truth_round_trips_exactly(path, scorer):
    truth = real_truth(path)
    exported = filing_to_dict(store_truth(truth))
    result = scorer.score(truth, exported)
    assert result["cells"]["overall"].f1 == 1.0, scorer.report(result)
    assert result["cells"]["amounts"].rate == 1.0, scorer.report(result)
    # Not just scored alike: the grids come back in the schema's exact form.
    grids = [t for t in _without_provenance(exported)["tables"] if t["kind"] == GRID]
    assert grids == [t for t in truth["tables"] if t["kind"] == GRID]


def test_amounts_are_decimal_yuan_and_text_stays_as_printed():
    truth = real_truth(CORPUS / "real" / "truth" / "js-npc-office-2019-budget-tables.json")
    filing = store_truth(truth)
    procurement = filing.tables.get(role="procurement")
    assert procurement.columns[0] == "采购品目大类" and procurement.unit == "万元"
    cells = GridCell.objects.filter(row__table=procurement)
    total = cells.get(row__position=0, column=procurement.columns.index("总计"))
    assert total.amount == Decimal("24164300.00") and total.text == ""
    way = cells.filter(column=procurement.columns.index("采购组织形式")).exclude(text="").first()
    assert way.text == "分散自行组织" and way.amount is None


def test_two_sided_rows_keep_their_side_and_only_their_columns():
    truth = real_truth(CORPUS / "real" / "truth" / "sh-putuo-govoffice-2025-dept-budget.json")
    filing = store_truth(truth)
    table = filing.tables.get(role="fiscal_summary")
    rows = list(GridRow.objects.filter(table=table).prefetch_related("cells"))
    assert {r.side for r in rows} == {"income", "expense"}
    income = rows[0]
    assert income.side == "income" and [c.column for c in income.cells.all()] == [0]


def test_values_under_an_unlisted_column_are_kept():
    table = {
        "kind": GRID,
        "role": "other",
        "title": "某表",
        "unit": "元",
        "pages": [1],
        "columns": ["甲"],
        "rows": [{"side": None, "code": "201", "label": "x", "values": {"甲": "1.00", "乙": "文字"}}],
    }
    filing = store_truth({"department": "某局", "year": 2025, "stage": "final", "tables": [table]})
    (exported,) = filing_to_dict(filing)["tables"]
    assert exported["columns"] == ["甲", "乙"]
    assert exported["rows"][0]["values"] == {"甲": "1.00", "乙": "文字"}
    assert filing.get_stage_display() == "决算"


def test_an_empty_grid_keeps_its_note():
    table = {
        "kind": GRID,
        "role": "government_fund",
        "title": "政府性基金预算支出表",
        "unit": "元",
        "pages": [3],
        "columns": ["合计"],
        "rows": [],
        "note": "本部门无政府性基金预算",
    }
    filing = store_truth({"department": "某局", "year": 2025, "stage": "original", "tables": [table]})
    (exported,) = filing_to_dict(filing)["tables"]
    assert exported["rows"] == [] and exported["note"] == "本部门无政府性基金预算"
    assert ParsedTable.objects.get().role == "government_fund"


def test_reparse_replaces_grid_rows():
    truth = real_truth(CORPUS / "real" / "truth" / "sh-putuo-justice-2026-dept-budget.json")
    parsed = truth | {"page_count": 23, "pages_without_text": []}
    document = store(parsed, "j")
    counts = GridRow.objects.count(), GridCell.objects.count()
    assert counts[0] > 0 and counts[1] > counts[0]
    services.document_store_parse(document=document, parsed=parsed, seconds=0.1)
    assert (GridRow.objects.count(), GridCell.objects.count()) == counts


def test_document_keeps_the_parsers_coverage():
    unread = [{"page": 4, "bbox": [50.0, 100.0, 500.0, 300.0], "what": "table", "text": "附表"}]
    truth = real_truth(CORPUS / "real" / "truth" / "sh-putuo-justice-2026-dept-budget.json")
    document = store(truth | {"page_count": 23, "coverage": {"tables": 9, "unread": unread}}, "c")
    assert document.coverage == {"tables": 9, "unread": unread}
    # A parser that records none leaves it empty: unknown, not "nothing unread".
    document = services.document_store_parse(document=document, parsed=truth, seconds=0.1)
    assert document.coverage == {}


def test_export_command_gives_the_grids(scorer):
    path = CORPUS / "real" / "truth" / "sh-putuo-govoffice-2025-dept-budget.json"
    filing = store_truth(real_truth(path))
    out = io.StringIO()
    call_command("export_filing", str(filing.pk), stdout=out)
    exported = json.loads(out.getvalue())
    result = scorer.score(real_truth(path), exported)
    assert result["cells"]["overall"].f1 == 1.0 and result["cells"]["amounts"].rate == 1.0
    three_public = next(t for t in exported["tables"] if t.get("role") == "three_public")
    assert three_public["rows"][0]["values"]["机关运行经费预算数"] == "2132800.00"


def test_export_of_grids_is_a_fixed_number_of_queries():
    small = store_truth(real_truth(CORPUS / "real" / "truth" / "sh-putuo-govoffice-2025-dept-budget.json"))
    large = store_truth(real_truth(CORPUS / "real" / "truth" / "js-npc-office-2019-budget-tables.json"), "u")
    counts = []
    for filing in (small, large):  # 7 grids against 10
        with CaptureQueriesContext(connection) as ctx:
            filing_to_dict(filing)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 9
