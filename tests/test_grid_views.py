"""The grid tab and the coverage line of a filing page, on the real filings' truth.

The truth carries no provenance, so each row is given its table's first page and a box; the
source pages are rendered from the real PDFs.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from budget_filing.kinds import GRID, ROLE_LABELS
from filings.models import Document, GridRow, ParsedTable
from review.formatting import printed, yuan
from review.models import Finding
from tests.conftest import CORPUS
from tests.test_grid_storage import store_truth

pytestmark = pytest.mark.django_db

REAL = CORPUS / "real"
JS = "js-npc-office-2019-budget-tables"  # 10 grids, 万元, a 政府采购 table with text columns
PUTUO = "sh-putuo-govoffice-2025-dept-budget"  # 7 grids, 元 (“三公” in 万元), a two-sided one


def truth_with_boxes(name: str) -> dict:
    truth = json.loads((REAL / "truth" / f"{name}.json").read_text())
    for table in truth["tables"]:
        for i, row in enumerate(table.get("rows") or []):
            row["page"] = table["pages"][0]
            row["bbox"] = [40.0, 120.0 + 14 * i, 560.0, 133.0 + 14 * i]
    return truth


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def make_filing(media, reviewer):
    """name (or a truth dict) -> a stored filing whose document is the real PDF, visible to the reviewer."""

    def make(name: str, truth: dict | None = None, sha: str = "g"):  # type: ignore[no-untyped-def]
        filing = store_truth(truth or truth_with_boxes(name), sha)
        (media / f"{sha}.pdf").write_bytes((REAL / "pdf" / f"{name}.pdf").read_bytes())
        filing.department.reviewers.add(reviewer)
        return filing

    return make


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def grid_tab(client, filing) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/filings/{filing.pk}/?tab=grids")
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, table: ParsedTable) -> str:
    start = page.index(f'id="table-{table.pk}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_grid_tab_shows_every_grid_grouped_by_role_with_header_paths_and_amounts_in_unit(
    reviewer_client, make_filing
):
    filing = make_filing(JS)
    page = grid_tab(reviewer_client, filing)
    grids = list(filing.tables.filter(kind=GRID).prefetch_related("grid_rows__cells"))
    assert len(grids) == 10
    for role in {t.role for t in grids}:
        assert f'id="role-{role}"' in page and ROLE_LABELS[role] in page
    for table in grids:
        html = section(page, table)
        assert table.title in html
        for path in table.columns:  # each leaf carries its whole path; each level is printed
            assert f'title="{path}"' in html
            assert all(part in html for part in path.split("/"))
        amounts = [c.amount for r in table.grid_rows.all() for c in r.cells.all() if c.amount is not None]
        assert table.unit == "万元"
        for amount in amounts:
            assert f'<span class="amount" title="{yuan(amount)}">{printed(amount, "万元")}</span>' in html


def test_a_merged_header_spans_the_columns_under_it(reviewer_client, make_filing):
    filing = make_filing(PUTUO)
    table = filing.tables.get(role="three_public")
    html = section(grid_tab(reviewer_client, filing), table)
    thead = html[html.index("<thead") : html.index("</thead>")]
    assert thead.count("<tr") == 3  # “三公”经费预算数 / 公务用车购置及运行费 / 购置费
    assert re.search(r'colspan="6" title="“三公”经费预算数">“三公”经费预算数', thead)
    assert re.search(r'colspan="3" title="“三公”经费预算数/公务用车购置及运行费"', thead)
    assert 'rowspan="3" title="机关运行经费预算数"' in thead


def test_text_columns_show_their_text_and_amount_columns_the_unit(reviewer_client, make_filing):
    filing = make_filing(JS)
    table = filing.tables.get(role="procurement")
    html = section(grid_tab(reviewer_client, filing), table)
    assert "分散自行组织" in html and "台式计算机（20万以下）" in html
    assert '<span class="amount" title="24,164,300.00 元">2,416.43</span>' in html


def test_two_sided_grids_show_their_side(reviewer_client, make_filing):
    filing = make_filing(PUTUO)
    two_sided = section(grid_tab(reviewer_client, filing), filing.tables.get(role="fiscal_summary"))
    assert "收/支" in two_sided and "<td >收入</td>" in two_sided.replace('class=""', "")
    assert "支出" in two_sided
    one_sided = section(grid_tab(reviewer_client, filing), filing.tables.get(role="economic_basic"))
    assert "收/支" not in one_sided


def test_an_empty_grid_says_so_with_its_note(reviewer_client, make_filing):
    truth = truth_with_boxes(PUTUO)
    fund = next(t for t in truth["tables"] if t.get("role") == "government_fund")
    fund["rows"], fund["note"] = [], "本部门无政府性基金预算"
    filing = make_filing(PUTUO, truth)
    html = section(grid_tab(reviewer_client, filing), filing.tables.get(role="government_fund"))
    assert "（空表）" in html and "本部门无政府性基金预算" in html


def test_source_links_of_grid_rows_answer_with_the_row_boxed(reviewer_client, make_filing):
    filing = make_filing(PUTUO)
    page = grid_tab(reviewer_client, filing)
    links = re.findall(rf'href="(/filings/{filing.pk}/source/\d+/\d+/)" class="source-link"', page)
    rows = GridRow.objects.filter(table__filing=filing)
    assert len(links) == rows.count()
    for link in {links[0], links[len(links) // 2], links[-1]}:
        source = reviewer_client.get(link)
        assert source.status_code == 200
        assert 'id="source-box"' in source.content.decode()
    row = rows.select_related("table").get(table__role="three_public")
    source = reviewer_client.get(f"/filings/{filing.pk}/source/{row.table_id}/{row.position}/")
    assert f"/pages/{row.table.document_id}/{row.page}.png" in source.content.decode()


def test_grid_cells_of_a_finding_are_highlighted(reviewer_client, make_filing):
    filing = make_filing(JS)
    table = filing.tables.get(role="procurement")
    path = table.columns.index("总计")
    for cells, row in ((["总计"], 0), (["values.总计"], 1), (["label"], 2)):
        Finding.objects.create(
            filing=filing,
            table=table,
            rule_id="grid.test",
            anomaly_class="sum_mismatch",
            severity="error",
            table_kind=f"grid:{table.role}",
            key="合计",
            row_position=row,
            cells=cells,
            message=f"合计与明细不符 {row}",
            place=f"grid.test|{row}",
        )
    page = grid_tab(reviewer_client, filing)
    html = section(page, table)
    for cell, row in ((f"c{path}", 0), (f"c{path}", 1), ("label", 2)):
        marker = f'data-cell="{row}:{cell}"'
        td = html[html.rfind("<td", 0, html.index(marker)) : html.index(marker)]
        assert "finding finding-error" in td and f"合计与明细不符 {row}" in td
    assert re.search(rf'id="t{table.pk}-r0" class="row-finding row-finding-error', html)
    tab = re.search(r'data-tab="grids">[^<]*<span class="badge text-bg-danger">(\d+)</span>', page)
    assert tab and tab.group(1) == "3"


def test_grid_export_csv_and_xlsx_in_the_printed_unit(reviewer_client, make_filing):
    filing = make_filing(JS)
    table = filing.tables.get(role="procurement")
    url = f"/filings/{filing.pk}/?tab=grids&table={table.pk}&_export="
    rows = list(csv.reader(io.StringIO(reviewer_client.get(url + "csv").content.decode("utf-8-sig"))))
    assert rows[0][0] == table.title and f"单位：{table.unit}" in rows[0]  # the title row
    assert rows[1] == ["项目", *table.columns]
    assert len(rows) == table.grid_rows.count() + 2
    assert rows[2][-1] == "2416.43" and rows[5][5] == "分散自行组织"
    sheet = load_workbook(io.BytesIO(reviewer_client.get(url + "xlsx").content)).active
    assert sheet.max_row == table.grid_rows.count() + 2
    assert Decimal(str(sheet.cell(row=3, column=7).value)) == Decimal("2416.43")


def test_grid_columns_sort(reviewer_client, make_filing):
    filing = make_filing(JS)
    table = filing.tables.get(role="procurement")
    total = f"c{table.columns.index('总计')}"
    page = reviewer_client.get(f"/filings/{filing.pk}/?tab=grids&t{table.pk}-sort=-{total}").content.decode()
    order = re.findall(rf'id="t{table.pk}-r(\d+)"', page)
    assert order[0] == "0"  # 合计 is the largest
    page = reviewer_client.get(f"/filings/{filing.pk}/?tab=grids&t{table.pk}-sort={total}").content.decode()
    assert re.findall(rf'id="t{table.pk}-r(\d+)"', page)[-1] == "0"


def test_typed_tabs_and_grids_together_reach_every_table(reviewer_client, make_filing):
    filing = make_filing(PUTUO)
    page = reviewer_client.get(f"/filings/{filing.pk}/").content.decode()
    for slug in ("summary", "functional", "grids"):
        assert f'data-tab="{slug}"' in page
    shown = sum(
        reviewer_client.get(f"/filings/{filing.pk}/?tab={slug}")
        .content.decode()
        .count('class="printed mb-4"')
        for slug in ("summary", "functional", "grids")
    )
    assert shown == filing.tables.count() == 9


def _coverage_line(page: str) -> str:
    start = page.index('id="coverage"')
    return page[start : page.index("</div>", start)]


def test_coverage_line_unknown_when_the_parse_recorded_none(reviewer_client, make_filing):
    filing = make_filing(PUTUO)
    line = _coverage_line(reviewer_client.get(f"/filings/{filing.pk}/").content.decode())
    assert "已读取 9 张表" in line and "读取范围未知" in line and "g.pdf" in line
    assert "coverage-partial" in page_class(reviewer_client, filing)


def page_class(client, filing) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/filings/{filing.pk}/?tab=grids").content.decode()
    start = page.rfind("<div", 0, page.index('id="coverage"'))
    return page[start : page.index('id="coverage"')]


def test_coverage_line_when_everything_was_read(reviewer_client, make_filing):
    filing = make_filing(PUTUO)
    Document.objects.filter(filing=filing).update(coverage={"tables": 9, "unread": []})
    line = _coverage_line(reviewer_client.get(f"/filings/{filing.pk}/").content.decode())
    assert "已读取 9 张表" in line and "未发现未读取的表格或数字" in line
    assert "未读取：" not in line and "读取范围未知" not in line
    assert "coverage-complete" in page_class(reviewer_client, filing)


def test_coverage_line_lists_unread_regions_linking_to_their_page_boxed(reviewer_client, make_filing):
    filing = make_filing(PUTUO)
    unread = [
        {"page": 5, "bbox": [60.0, 90.0, 540.0, 400.0], "what": "table", "text": "部门基本情况"},
        {"page": 7, "bbox": [60.0, 500.0, 540.0, 560.0], "what": "figures", "text": "收入预算 9101.68 万元"},
    ]
    document = Document.objects.get(filing=filing)
    Document.objects.filter(pk=document.pk).update(
        coverage={"tables": 9, "unread": unread}, pages_without_text=[21]
    )
    page = reviewer_client.get(f"/filings/{filing.pk}/").content.decode()
    line = _coverage_line(page)
    assert "已读取 9 张表" in line and "未读取：" in line
    assert "第 5 页（表格）" in line and "第 7 页（数字）" in line and "第 21 页没有文字层" in line
    assert "未发现未读取" not in line and "coverage-partial" in page_class(reviewer_client, filing)
    links = re.findall(r'href="([^"]+/unread/[^"]+)"', line)
    assert links == [f"/filings/{filing.pk}/unread/{document.pk}/{i}/" for i in (0, 1)]
    source = reviewer_client.get(links[1])
    html = source.content.decode()
    assert source.status_code == 200 and 'id="source-box"' in html
    assert f"/pages/{document.pk}/7.png" in html and "收入预算 9101.68 万元" in html
    assert reviewer_client.get(f"/filings/{filing.pk}/unread/{document.pk}/2/").status_code == 404


def test_unread_regions_of_another_filing_are_not_shown(reviewer_client, make_filing, make_reviewer, client):
    filing = make_filing(PUTUO)
    Document.objects.filter(filing=filing).update(
        coverage={"tables": 9, "unread": [{"page": 5, "what": "table"}]}
    )
    outsider = make_reviewer("outsider", type(filing.department).objects.create(name="别的局"))
    client.force_login(outsider)
    document = Document.objects.get(filing=filing)
    assert client.get(f"/filings/{filing.pk}/unread/{document.pk}/0/").status_code == 404


def _filing_with_grids(make_filing, count: int, sha: str):  # type: ignore[no-untyped-def]
    grids = [t for name in (JS, PUTUO) for t in truth_with_boxes(name)["tables"] if t["kind"] == GRID]
    truth = truth_with_boxes(JS) | {"tables": grids[:count]}
    return make_filing(JS, truth, sha)


def test_grid_tab_queries_do_not_grow_with_grids(reviewer_client, make_filing):
    small, large = _filing_with_grids(make_filing, 3, "s"), _filing_with_grids(make_filing, 12, "l")
    assert (small.tables.count(), large.tables.count()) == (3, 12)
    counts = []
    for filing in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            page = grid_tab(reviewer_client, filing)
        assert page.count('class="printed mb-4"') == filing.tables.count()
        counts.append(len(ctx.captured_queries))
    # +3 of the 19: the session saved on every request (its idle timeout), in a savepoint.
    assert counts[0] == counts[1] <= 19, counts
