"""Parsed filings in PostgreSQL: stored row by row, exported back and scored against the truth."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from filings import services
from filings.interchange import filing_to_dict
from filings.models import Document, Filing, FunctionalLine, Indicator, ParsedTable
from tests.conftest import CORPUS, CORPUS_NAMES

pytestmark = pytest.mark.django_db

MIN_F1 = 0.995
MIN_AMOUNTS = 0.999


def store(parsed: dict, sha: str = "a") -> Document:
    document = Document.objects.create(
        original_filename="x.pdf",
        sha256=sha * 64,
        size=1,
        content_type="application/pdf",
        file="x.pdf",
        status=Document.Status.PARSING,
    )
    return services.document_store_parse(document=document, parsed=parsed, seconds=0.1)


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_stored_filing_exports_as_the_truth(name, corpus_parse, scorer):
    document = store(corpus_parse(name))
    assert document.status == Document.Status.PARSED, document.error
    exported = filing_to_dict(document.filing)
    truth = json.loads((CORPUS / "truth" / f"{name}.json").read_text())
    result = scorer.score(truth, exported)
    assert all(v["ok"] for v in result["filing"].values()), result["filing"]
    assert result["cells"]["overall"].f1 >= MIN_F1, scorer.report(result)
    assert result["cells"]["amounts"].rate >= MIN_AMOUNTS, scorer.report(result)


def test_export_command_prints_budget_filing_json(corpus_parse):
    document = store(corpus_parse("synth-bijie-hrss-2024-original"))
    out = io.StringIO()
    call_command("export_filing", str(document.filing_id), stdout=out)
    data = json.loads(out.getvalue())
    assert data["schema"] == "budget-filing/1" and data["department"] == "毕节市人力资源和社会保障局"
    assert data["tables"][0]["indicators"][0]["page"] == 1


def test_export_uses_a_fixed_number_of_queries(corpus_parse, django_assert_max_num_queries):
    document = store(corpus_parse("zunyi-hrss-2024-adjustment"))
    filing = Filing.objects.select_related("department").get(pk=document.filing_id)
    with django_assert_max_num_queries(7):
        filing_to_dict(filing)


def test_reparse_replaces_rows_and_keeps_the_filing(corpus_parse):
    parsed = corpus_parse("synth-anshun-hsa-2023-adjustment")
    document = store(parsed)
    tables, indicators = ParsedTable.objects.count(), Indicator.objects.count()
    again = services.document_store_parse(document=document, parsed=parsed, seconds=0.1)
    assert again.filing_id == document.filing_id
    assert (ParsedTable.objects.count(), Indicator.objects.count()) == (tables, indicators)
    assert again.parser_version


def test_functional_lines_know_their_level_and_parent(corpus_parse):
    document = store(corpus_parse("zunyi-hrss-2024-adjustment"))
    lines = FunctionalLine.objects.filter(table__filing=document.filing)
    item = lines.filter(level="item").select_related("parent__parent").first()
    assert len(item.code) == 7
    assert item.parent.code == item.code[:5] and item.parent.level == "section"
    assert item.parent.parent.code == item.code[:3] and item.parent.parent.level == "class"
    assert lines.get(code="").name == "合计"


def test_indicator_values_are_understood(corpus_parse):
    store(corpus_parse("synth-bijie-hrss-2024-original"))
    cap = Indicator.objects.filter(initial_value__contains="≤", initial_unit="元").first()
    assert cap.initial_op == "≤" and cap.initial_quantity == cap.initial_number
    deadline = Indicator.objects.exclude(initial_deadline=None).first()
    assert deadline.initial_deadline.year in (2023, 2024, 2025)
    assert isinstance(cap.initial_quantity, Decimal)


def test_a_filing_may_arrive_as_several_pdfs(corpus_parse):
    parsed = corpus_parse("synth-anshun-hsa-2023-adjustment")
    first = store(parsed | {"tables": parsed["tables"][:3]}, "a")
    second = store(parsed | {"tables": parsed["tables"][3:]}, "b")
    assert second.filing_id == first.filing_id
    assert ParsedTable.objects.filter(filing_id=first.filing_id).count() == len(parsed["tables"])


def test_the_same_tables_again_or_after_sign_off_start_a_new_version(corpus_parse):
    parsed = corpus_parse("synth-bijie-hrss-2024-original")
    first = store(parsed, "a")
    second = store(parsed, "b")
    assert second.filing.version == 2 and second.filing.previous_id == first.filing_id
    Filing.objects.filter(pk=second.filing_id).update(status=Filing.Status.SIGNED_OFF)
    third = store(parsed, "c")
    assert third.filing.version == 3 and third.filing.status == Filing.Status.REOPENED


def test_no_tables_and_no_text_is_needs_ocr_with_the_pages():
    document = store(
        {
            "department": None,
            "year": None,
            "stage": None,
            "tables": [],
            "page_count": 3,
            "pages_without_text": [1, 2, 3],
        }
    )
    assert document.status == Document.Status.NEEDS_OCR and "1、2、3" in document.error
    assert document.filing is None


def test_text_without_known_tables_fails_with_a_message():
    document = store(
        {
            "department": None,
            "year": None,
            "stage": None,
            "tables": [],
            "page_count": 2,
            "pages_without_text": [],
        }
    )
    assert document.status == Document.Status.FAILED and "没有识别出任何已知的预算表" in document.error


def test_parse_command_prints_json_without_the_database():
    out = io.StringIO()
    call_command(
        "parse_pdf", str(CORPUS / "pdf" / "synth-bijie-hrss-2024-original.pdf"), "--json", stdout=out
    )
    assert json.loads(out.getvalue())["year"] == 2024
    out = io.StringIO()
    call_command("parse_pdf", str(CORPUS / "pdf" / "synth-bijie-hrss-2024-original.pdf"), stdout=out)
    assert "project_performance" in out.getvalue()
