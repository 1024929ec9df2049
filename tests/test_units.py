"""Units and numbers consistent, flags visible (issue 13, items 5 and 6).

Every amount on the 对比 and 版本差异 tabs is in the filing's printed unit and says which; a change
of a project added or removed is its whole amount; chart text is at least 12 px; an original budget
shows no empty 调整/增减 columns; the department card adds up on screen; a flagged row is marked in
its table. Stored corpus filings (zunyi adjustment, 万元; qiannan and the js 2019 original budgets)
through the Django test client.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from filings.models import Filing
from review.diff import field_label
from review.models import Flag
from tests.test_parsed_storage import store

pytestmark = pytest.mark.django_db

ZUNYI = "zunyi-hrss-2024-adjustment"
QIANNAN = "qiannan-hrss-2025-original"
JS = "js-npc-office-2019-budget-tables"  # an original 部门预算 in 万元: summary, functional and grids


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def zunyi(corpus_parse, reviewer) -> Filing:
    filing = store(corpus_parse(ZUNYI), "z").filing
    filing.department.reviewers.add(reviewer)
    return filing


@pytest.fixture
def js(real_parse, reviewer) -> Filing:
    filing = store(real_parse(JS), "j").filing
    filing.department.reviewers.add(reviewer)
    return filing


def _page(client, filing: Filing, tab: str) -> str:
    response = client.get(f"/filings/{filing.pk}/?tab={tab}")
    assert response.status_code == 200
    return response.content.decode()


def _compare_row(page: str, name: str) -> list[str]:
    """The cells of the 对比 table row named ``name``, as text."""
    row = re.search(rf"<tr><td>{re.escape(name)}</td>(.*?)</tr>", page)
    assert row, name
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))]


def _section(page: str, heading: str) -> str:
    start = page.index(heading)
    end = page.find('<h2 class="h6', start + 1)
    return page[start : end if end != -1 else len(page)]


# ---- 1. the 对比 tab: the printed unit, said, with thousands separators ------------------------


def test_compare_tab_shows_each_comparison_in_its_tables_printed_unit(reviewer_client, zunyi):
    assert zunyi.tables.get(kind="project_expenditure").unit == "万元"
    assert zunyi.tables.get(kind="functional_expenditure").unit == "元"
    page = _page(reviewer_client, zunyi, "compare")
    projects = _section(page, "按项目：年初 与 调整后")
    assert "单位：万元" in projects and "年初（万元）" in projects and "增减（万元）" in projects
    # 考试考务经费: 7 233 100 yuan printed as 723.31 万元 (the yuan on hover), its change signed
    assert _compare_row(projects, "考试考务经费") == ["723.31", "953.44", "+230.13"]
    assert 'title="7,233,100.00 元">723.31<' in projects
    classes = _section(page, "按功能分类（类）：年初 与 调整后")
    assert "单位：元" in classes
    assert _compare_row(classes, "208 社会保障和就业支出") == [
        "85,447,480.70",
        "74,417,142.71",
        "-11,030,337.99",
    ]


def test_year_over_year_is_in_the_current_filings_unit(reviewer_client, reviewer, real_parse):
    parsed = real_parse(JS)
    store(parsed | {"year": 2018}, "p")
    current = store(parsed, "c").filing
    current.department.reviewers.add(reviewer)
    page = _page(reviewer_client, current, "compare")
    section = _section(page, "与 2018 年对比")
    assert "单位：万元" in section and "2018 年（万元）" in section and "2019 年（万元）" in section
    cells = re.findall(r'<td class="num">(?:<span[^>]*>)?([^<]*)', section)
    assert cells and all(re.fullmatch(r"-?[\d,]+\.\d+", c) for c in cells if c), cells
    # a figure of 万元 has no more than four places and thousands are separated
    assert not re.search(r">\d{5,}\.\d\d<", section)


# ---- 2. 增减 of a project added or removed is its whole amount ----------------------------------


def test_change_of_an_added_or_removed_project_is_its_whole_amount(reviewer_client, zunyi):
    page = _section(_page(reviewer_client, zunyi, "compare"), "按项目：年初 与 调整后")
    # printed with a blank 年初: added at the adjustment
    assert _compare_row(page, "“千企万岗进百校”引才活动工作经费") == ["", "168.30", "+168.30"]
    # printed with a blank 调整后: removed at the adjustment
    assert _compare_row(page, "预估2024年单位其他资金项目") == ["5.00", "", "-5.00"]
    # both blank: nothing to compare, nothing invented
    assert _compare_row(page, "2023年市级职业技能提升行动专账资金") == ["", "", ""]


# ---- 3. charts readable ---------------------------------------------------------------------


def test_chart_text_is_at_least_12px_and_chinese(reviewer_client, zunyi):
    page = _page(reviewer_client, zunyi, "compare")
    charts = re.findall(r"<svg class=\"bars\".*?</svg>", page, re.S)
    assert len(charts) == 2
    for chart in charts:
        sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', chart)]
        assert sizes and min(sizes) >= 12, sizes
        assert ">年初</text>" in chart and ">调整后</text>" in chart
        rows = [int(y) for y in re.findall(r'transform="translate\(0,(\d+)\)"', chart)]
        assert all(b - a >= 16 for a, b in zip(rows, rows[1:], strict=False)), "rows do not overlap at 12 px"
    # the hover of a bar is the amount as shown, with its unit
    assert "<title>年初 723.31 万元</title>" in charts[1]
    css = reviewer_client.get("/static/css/app.css")
    assert css.status_code in (200, 404)  # served by whitenoise in production; the rule is in the file
    assert re.search(r"svg\.bars text \{ font-size: 1[2-9]px; \}", open("static/css/app.css").read())


# ---- 4. the diff in Chinese, amounts formatted --------------------------------------------------


def test_field_names_come_from_the_vocabulary():
    assert field_label("initial.total") == "年初预算数·合计"
    assert field_label("change.basic") == "增减数·基本支出"
    assert field_label("adjusted") == "调整预算数"
    assert field_label("funds.adjusted.other") == "调整预算数·其他资金"
    assert field_label("funds.initial.non_fiscal") == "年初预算数·非财政拨款"
    assert field_label("initial.value") == "年初预算数·指标值"
    assert field_label("values.一般公共预算基本支出/合计") == "一般公共预算基本支出/合计"


def test_diff_names_fields_in_chinese_with_amounts_in_the_printed_unit(reviewer_client, zunyi, corpus_parse):
    parsed = corpus_parse(ZUNYI)
    changed = {**parsed, "tables": [dict(t) for t in parsed["tables"]]}
    projects = next(t for t in changed["tables"] if t["kind"] == "project_expenditure")
    projects["rows"] = [dict(r) for r in projects["rows"]]
    projects["rows"][3]["adjusted"] = "1200000.00"
    del projects["rows"][4]
    projects["rows"].append(
        {**projects["rows"][5], "label": "(九十九)新增项目", "name": "新增项目", "initial": None,
         "adjusted": "123400.00", "change": "123400.00"}
    )  # fmt: skip
    department = next(t for t in changed["tables"] if t["kind"] == "department_performance")
    department["funds"] = {
        **department["funds"],
        "adjusted": {**department["funds"]["adjusted"], "other": "0.00"},
    }
    newer = store(changed, "n").filing
    page = _page(reviewer_client, newer, "diff")
    assert "<code>" not in page and "initial" not in re.sub(r'title="[^"]*"', "", page.split("与第 1 版")[1])
    assert "1200000.00" not in page
    assert "调整预算数</span>：235.03 万元 → <strong>120.00 万元</strong>" in page
    assert "删除：(三)人力资源和社会保障事务专项资金（年初预算数 285.88 万元；调整预算数 167.53 万元" in page
    assert "新增：(九十九)新增项目（调整预算数 12.34 万元；增减数 12.34 万元）" in page
    assert "调整预算数·其他资金</span>：2,478.42 万元 → <strong>0.00 万元</strong>" in page
    assert page.count("单位：万元") >= 2


# ---- 5. an original budget shows no 调整/增减 columns ------------------------------------------


def test_an_original_budget_shows_no_adjusted_or_change_columns(reviewer_client, js, zunyi):
    assert js.stage == "original"
    summary = _page(reviewer_client, js, "summary")
    assert "年初预算数" in summary and "调整预算数" not in summary and "增减数" not in summary
    functional = _page(reviewer_client, js, "functional")
    assert "年初·合计" in functional and "调整·合计" not in functional and "增减·合计" not in functional
    compare = _page(reviewer_client, js, "compare")
    assert "年初 与 调整后" not in compare and "年初预算只列年初数" in compare
    # an adjustment keeps them
    assert "调整预算数" in _page(reviewer_client, zunyi, "summary")
    assert "增减·合计" in _page(reviewer_client, zunyi, "functional")


def test_an_original_budgets_target_cards_have_one_column_set(reviewer_client, reviewer, corpus_parse):
    qiannan = store(corpus_parse(QIANNAN), "q").filing
    qiannan.department.reviewers.add(reviewer)
    page = _page(reviewer_client, qiannan, "targets")
    assert page.count("target-card") == 26 and "年初值" in page
    assert "调整后值" not in page and "<th>调整后</th>" not in page


# ---- 6. the department card adds up on screen ------------------------------------------------------


def test_department_card_shows_other_funds_so_it_adds_up(reviewer_client, zunyi):
    page = _page(reviewer_client, zunyi, "targets")
    card = page[page.index("<strong>部门整体</strong>") :]
    card = card[: card.index("</table>")]
    assert '<th class="num">其他资金</th>' in card
    initial = re.search(r"<th>年初</th>(.*?)</tr>", card).group(1)
    shown = [Decimal(v.replace(",", "")) for v in re.findall(r'<span class="amount"[^>]*>([^<]+)<', initial)]
    assert shown == [Decimal("15234.02"), Decimal("3723.01"), Decimal("7506.01"), Decimal("4005.00")]
    assert shown[0] == sum(shown[1:])


# ---- 7. a flagged row is marked in its table -------------------------------------------------------


def _row(page: str, row_id: str) -> str:
    start = page.index(f'<tr id="{row_id}"')
    return page[start : page.index("</tr>", start)]


def test_a_flagged_row_has_a_badge_with_its_note_and_a_row_class(reviewer_client, zunyi, reviewer):
    table = zunyi.tables.get(kind="project_expenditure")
    Flag.objects.create(
        filing=zunyi, table=table, row_position=3, row_label="x", note="与纸质表不一致", created_by=reviewer
    )
    Flag.objects.create(
        filing=zunyi, table=table, row_position=5, note="已核对", decision="resolved", created_by=reviewer
    )
    Flag.objects.create(filing=zunyi, table=table, note="整表存疑", created_by=reviewer)
    page = _page(reviewer_client, zunyi, "projects")
    flagged = _row(page, f"t{table.pk}-r3")
    assert "row-flagged" in flagged.split(">")[0]
    assert 'class="badge flag-badge flag-badge-open" title="标记：与纸质表不一致">⚑' in flagged
    closed = _row(page, f"t{table.pk}-r5")
    assert "row-flagged" not in closed.split(">")[0] and "flag-badge-closed" in closed
    assert "flag-badge" not in _row(page, f"t{table.pk}-r4")
    assert page.count("row-flagged") == 1
    assert 'title="标记：整表存疑">⚑ 整张表已标记</span>' in page


def test_a_flagged_target_card_says_so(reviewer_client, zunyi, reviewer):
    department = zunyi.tables.get(kind="department_performance")
    Flag.objects.create(filing=zunyi, table=department, note="资金来源存疑", created_by=reviewer)
    page = _page(reviewer_client, zunyi, "targets")
    card = page[page.index(f'id="table-{department.pk}"') :]
    card = card[: card.index("</article>")]
    assert 'title="标记：资金来源存疑">⚑ 已标记</span>' in card
    assert page.count("⚑ 已标记") == 1


def test_a_flagged_grid_row_is_marked(reviewer_client, js, reviewer):
    grid = js.tables.filter(kind="grid").first()
    Flag.objects.create(filing=js, table=grid, row_position=1, note="科目有误", created_by=reviewer)
    page = _page(reviewer_client, js, "grids")
    flagged = _row(page, f"t{grid.pk}-r1")
    assert "row-flagged" in flagged.split(">")[0] and 'title="标记：科目有误"' in flagged


@pytest.mark.parametrize("tab", ["projects", "grids", "targets"])
def test_flags_are_read_once_per_page(reviewer_client, zunyi, js, reviewer, tab):
    filing = js if tab == "grids" else zunyi

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert reviewer_client.get(f"/filings/{filing.pk}/?tab={tab}").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    kinds = {"projects": ["project_expenditure"], "grids": ["grid"]}.get(tab, ["project_performance"])
    for table in filing.tables.filter(kind__in=kinds):
        for row in range(3):
            Flag.objects.create(filing=filing, table=table, row_position=row, note="n", created_by=reviewer)
        Flag.objects.create(filing=filing, table=table, note="整表", created_by=reviewer)
    assert Flag.objects.filter(filing=filing).count() >= 4
    assert queries() == before
