"""Real 部门预算公开 packages through PostgreSQL: stored, exported back, scored against the truth.

Grids included: the export must give back every table as parsed, so the database can be
scored with the same tool as the parser.
"""

from __future__ import annotations

import json

import pytest

from filings.interchange import filing_to_dict
from filings.models import Document
from tests.conftest import REAL, REAL_NAMES
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db

MIN_F1 = 0.995
MIN_AMOUNTS = 0.999
ALL_REAL = sorted(p.stem for p in (REAL / "pdf").glob("*.pdf"))


def _store(parsed: dict, sha: str) -> Document:
    return store(parsed, sha)


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_filing_exports_as_the_truth(name, real_parse, scorer):
    document = _store(real_parse(name), "b")
    assert document.status == Document.Status.PARSED, document.error
    exported = json.loads(json.dumps(filing_to_dict(document.filing), ensure_ascii=False))
    truth = json.loads((REAL / "truth" / f"{name}.json").read_text(encoding="utf-8"))
    result = scorer.score(truth, exported)
    assert all(v["ok"] for v in result["filing"].values()), result["filing"]
    assert result["cells"]["overall"].f1 >= MIN_F1, scorer.report(result)
    assert result["cells"]["amounts"].rate >= MIN_AMOUNTS, scorer.report(result)


@pytest.mark.parametrize("name", ALL_REAL)
def test_every_real_pdf_ends_parsed(name, real_parse):
    document = _store(real_parse(name), "c")
    assert document.status == Document.Status.PARSED, document.error
    assert document.filing.tables.count() == len(real_parse(name)["tables"]) > 0
    assert document.coverage["tables"] == len(real_parse(name)["tables"])


def test_final_accounts_form_a_final_filing(real_parse):
    document = _store(real_parse("sh-putuo-planning-2024-final-accounts"), "d")
    filing = document.filing
    assert (filing.department.name, filing.year, filing.stage) == ("上海市规划和自然资源局", 2024, "final")
    assert set(filing.tables.values_list("kind", "role")) == {("grid", "final_accounts")}


def test_review_report_holds_every_grid(real_parse, reviewer, make_reviewer):
    """A signed-off package's report has a sheet per table, grids with their header paths."""
    import io

    from openpyxl import load_workbook

    from review.models import Finding
    from review.report import review_report
    from review.services import filing_sign_off

    document = _store(real_parse("sh-putuo-justice-2026-dept-budget"), "e")
    filing = document.filing
    filing.department.reviewers.add(reviewer)
    Finding.objects.filter(filing=filing).update(decision="resolved")
    filing_sign_off(filing=filing, user=reviewer, override_reason="测试")
    workbook = load_workbook(io.BytesIO(review_report(filing)))
    # 概况, 异常, 标记, 评论, 记录, then a sheet per table
    assert workbook.sheetnames[:5] == ["概况", "异常", "标记", "评论", "记录"]
    assert len(workbook.sheetnames) == 5 + 9
    economic = workbook[next(n for n in workbook.sheetnames if "经济分类" in n)]
    header = [c.value for c in economic[2]]
    assert header[:3] == ["收/支", "编码", "项目"] and "一般公共预算基本支出/合计" in header
    assert [c.value for c in economic[3]][1:3] == ["301", "工资福利支出"]


def test_a_second_pdf_of_grids_joins_the_filing(real_parse):
    """Grids are told apart by their titles: another PDF of the same package's other tables
    joins the filing instead of starting a version."""
    parsed = real_parse("sh-putuo-justice-2026-dept-budget")
    first = dict(parsed, tables=parsed["tables"][:4])
    second = dict(parsed, tables=parsed["tables"][4:])
    a = _store(first, "f")
    b = _store(second, "g")
    assert a.filing_id == b.filing_id and a.filing.tables.count() == 9
