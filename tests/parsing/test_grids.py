"""Grid tables of layouts the corpus lacks, printed with tests/parsing/pdfgen.py.

Each test prints one small filing the way another producer might and asserts what a person
reading it would write down: panels, sides, grouped labels, split codes, empty tables, and
typed kinds that do not fit falling back to grids (nothing printed is lost).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from filings.parsing import parse_pdf
from filings.parsing.titles import cover_facts
from tests.parsing.pdfgen import C, Doc


def _parse(tmp_path: Path, doc: Doc) -> dict[str, Any]:
    return parse_pdf(doc.save(tmp_path / "f.pdf"))


def test_department_from_a_cover_only(tmp_path: Path) -> None:
    doc = Doc()
    doc.text_line("某某县农业农村局2025年部门预算", size=20, center=True)
    doc.page_break()
    doc.text_line("部门收入预算总表", size=16, center=True)
    doc.text_line("单位：元", size=9)
    doc.table([120, 100], [["项目", "金额"], ["财政拨款收入", "1,000.00"], ["合计", "1,000.00"]])
    parsed = _parse(tmp_path, doc)
    assert (parsed["department"], parsed["year"], parsed["stage"]) == ("某某县农业农村局", 2025, "original")
    grid = parsed["tables"][0]
    assert (grid["kind"], grid["role"], grid["columns"]) == ("grid", "income_sources", ["金额"])
    assert [(r["label"], r["values"]["金额"]) for r in grid["rows"]] == [
        ("财政拨款收入", "1000.00"),
        ("合计", "1000.00"),
    ]


def test_economic_table_in_two_halves_lists_left_then_right(tmp_path: Path) -> None:
    doc = Doc()
    doc.text_line("某局2025年一般公共预算基本支出表", size=16, center=True)
    doc.text_line("单位：万元", size=9)
    rows: list[list[C | str | None]] = [
        ["科目编码", "科目名称", "金额", "科目编码", "科目名称", "金额"],
        ["301", "工资福利支出", "10.00", "302", "商品和服务支出", "4.00"],
        ["30101", "基本工资", "10.00", "30201", "办公费", "4.00"],
    ]
    doc.table([50, 90, 60, 50, 90, 60], rows)
    grid = _parse(tmp_path, doc)["tables"][0]
    assert grid["role"] == "economic_basic" and grid["columns"] == ["金额"]
    assert [(r["code"], r["values"]["金额"]) for r in grid["rows"]] == [
        ("301", "100000.00"),
        ("30101", "100000.00"),
        ("302", "40000.00"),
        ("30201", "40000.00"),
    ]
    assert {r["side"] for r in grid["rows"]} == {None}


def test_split_codes_are_joined_and_padded(tmp_path: Path) -> None:
    doc = Doc()
    doc.text_line("某局2025年部门支出预算总表", size=16, center=True)
    rows: list[list[C | str | None]] = [
        [C("科目编码", cs=3), None, None, C("科目名称", rs=2), C("合计", rs=2), C("基本支出", rs=2)],
        ["类", "款", "项", None, None, None],
        ["201", "", "", "一般公共服务支出", "5.00", "5.00"],
        ["201", "3", "", "政府办公厅（室）及相关机构事务", "5.00", "5.00"],
        ["201", "3", "1", "行政运行", "5.00", "5.00"],
        [C("合计", cs=4), None, None, None, "5.00", "5.00"],
    ]
    doc.table([30, 30, 30, 160, 60, 60], rows)
    grid = _parse(tmp_path, doc)["tables"][0]
    assert grid["role"] == "expense_split" and grid["columns"] == ["合计", "基本支出"]
    assert [(r["code"], r["label"]) for r in grid["rows"]] == [
        ("201", "一般公共服务支出"),
        ("20103", "政府办公厅（室）及相关机构事务"),
        ("2010301", "行政运行"),
        (None, "合计"),
    ]


def test_functional_table_with_other_columns_stays_a_grid(tmp_path: Path) -> None:
    """合计 | 人员经费 | 公用经费 | 项目支出 has no place in functional_expenditure's splits."""
    doc = Doc()
    doc.text_line("某局2025年一般公共预算支出功能分类预算表", size=16, center=True)
    rows: list[list[C | str | None]] = [
        ["科目编码", "科目名称", "合计", "人员经费", "公用经费", "项目支出"],
        ["201", "一般公共服务支出", "9.00", "5.00", "1.00", "3.00"],
    ]
    doc.table([60, 120, 60, 60, 60, 60], rows)
    table = _parse(tmp_path, doc)["tables"][0]
    assert table["kind"] == "grid"
    assert table["columns"] == ["合计", "人员经费", "公用经费", "项目支出"]
    assert table["rows"][0]["values"]["公用经费"] == "1.00"


def test_project_list_of_another_layout_is_a_grid(tmp_path: Path) -> None:
    doc = Doc()
    doc.text_line("某局2025年项目支出预算表", size=16, center=True)
    rows: list[list[C | str | None]] = [
        ["单位名称", "项目名称", "项目类型", "金额"],
        ["某局本级", "信息化运维", "经常性项目", "12.00"],
    ]
    doc.table([100, 120, 80, 60], rows)
    table = _parse(tmp_path, doc)["tables"][0]
    assert (table["kind"], table["role"]) == ("grid", "project_list")
    assert table["rows"][0]["label"] == "某局本级/信息化运维"
    assert table["rows"][0]["values"] == {"项目类型": "经常性项目", "金额": "12.00"}


def test_grouped_labels_and_two_sides(tmp_path: Path) -> None:
    doc = Doc()
    doc.text_line("某局2025年财政拨款收支预算总表", size=16, center=True)
    rows: list[list[C | str | None]] = [
        [C("收入", cs=3), None, None, C("支出", cs=2), None],
        [C("项目", cs=2), None, "预算数", "项目", "预算数"],
        [C("一般公共预算", rs=2), "小计", "8.00", "一、基本支出", "6.00"],
        [None, "本年拨款", "8.00", "二、项目支出", "2.00"],
        [C("收入总计", cs=2), None, "8.00", "支出总计", "8.00"],
    ]
    doc.table([90, 80, 60, 100, 60], rows)
    grid = _parse(tmp_path, doc)["tables"][0]
    assert grid["role"] == "fiscal_summary"
    assert grid["columns"] == ["收入/预算数", "支出/预算数"]
    assert [(r["side"], r["label"]) for r in grid["rows"]] == [
        ("income", "一般公共预算/小计"),
        ("income", "一般公共预算/本年拨款"),
        ("income", "收入总计"),
        ("expense", "一、基本支出"),
        ("expense", "二、项目支出"),
        ("expense", "支出总计"),
    ]


def test_contents_page_opens_no_table(tmp_path: Path) -> None:
    doc = Doc()
    doc.text_line("目录", size=16, center=True)
    doc.text_line("一、部门收入预算总表……………………3", size=10)
    doc.text_line("二、部门支出预算总表……………………4", size=10)
    doc.page_break()
    for n in range(4):
        doc.text_line(f"（{n + 1}）本部门主要职能是负责本县农业农村工作，统筹研究和组织实施。", size=10)
    doc.table([100, 60], [["序号", "单位名称"], ["1", "某局本级"]])
    parsed = _parse(tmp_path, doc)
    assert parsed["tables"] == []
    assert [(u["page"], u["what"]) for u in parsed["coverage"]["unread"]] == [(2, "table")]


def test_figures_outside_any_grid_are_told_unread(tmp_path: Path) -> None:
    doc = Doc()
    doc.text_line("某局2025年部门收入预算总表", size=16, center=True)
    doc.table([100, 60], [["项目", "金额"], ["合计", "3.00"]])
    doc.text_line("其他收入", size=10)
    for label in ("甲", "乙", "丙"):
        y = doc.y
        doc.page.text(40, y, f"{label}项", 10)
        doc.page.text(200, y, "1.00", 10)
        doc.page.text(320, y, "2.00", 10)
        doc.y += 16
    parsed = _parse(tmp_path, doc)
    assert parsed["coverage"]["tables"] == 1
    assert [u["what"] for u in parsed["coverage"]["unread"]] == ["figures"]


def test_cover_facts() -> None:
    assert cover_facts("上海市普陀区司法局2026年部门预算") == ("上海市普陀区司法局", 2026)
    assert cover_facts("上海市普陀区2026年区级部门预算") == (None, 2026)
    assert cover_facts("2026年，某局收入预算9628.22万元") == (None, None)


def test_a_table_of_text_rows_has_one_header_row(tmp_path: Path) -> None:
    """A flat header row closes the header: the text rows under it are data."""
    doc = Doc()
    doc.text_line("某局2025年政府采购预算表", size=16, center=True)
    rows: list[list[C | str | None]] = [
        ["采购项目", "采购方式", "备注"],
        ["办公设备", "分散采购", "更新"],
        ["印刷服务", "集中采购", "年度"],
    ]
    doc.table([100, 100, 100], rows)
    grid = _parse(tmp_path, doc)["tables"][0]
    assert grid["columns"] == ["采购项目", "采购方式", "备注"]
    assert [r["label"] for r in grid["rows"]] == ["办公设备", "印刷服务"]


def test_continuation_page_with_text_rows_keeps_the_columns(tmp_path: Path) -> None:
    doc = Doc()
    doc.text_line("某局2025年政府采购预算表", size=16, center=True)
    rows: list[list[C | str | None]] = [["采购项目", "采购方式", "金额"]]
    rows += [[f"项目{n}", "分散采购", "1.00"] for n in range(40)]
    doc.table([100, 100, 100], rows)
    grid = _parse(tmp_path, doc)["tables"][0]
    assert len(grid["pages"]) == 2 and grid["columns"] == ["采购项目", "采购方式", "金额"]
    assert [r["label"] for r in grid["rows"]] == [f"项目{n}" for n in range(40)]


def test_code_parts_named_on_the_total_line(tmp_path: Path) -> None:
    """`科目编码` over three columns whose 类 | 款 | 项 are printed on the 合计 line (a 决算 layout)."""
    doc = Doc()
    doc.text_line("某局2024年度收入决算表", size=16, center=True)
    rows: list[list[C | str | None]] = [
        [C("项目", cs=4), None, None, None, C("本年收入合计", rs=3), C("财政拨款收入", rs=3)],
        [C("功能分类", cs=3), None, None, C("科目名称", rs=2), None, None],
        [C("科目编码", cs=3), None, None, None, None, None],
        ["类", "款", "项", "合计", "9.00", "9.00"],
        ["201", "", "", "一般公共服务支出", "9.00", "9.00"],
        ["201", "06", "", "财政事务", "9.00", "9.00"],
        ["201", "06", "01", "行政运行", "9.00", "9.00"],
    ]
    doc.table([30, 30, 30, 140, 70, 70], rows)
    grid = _parse(tmp_path, doc)["tables"][0]
    assert [(r["code"], r["label"]) for r in grid["rows"]] == [
        (None, "合计"),
        ("201", "一般公共服务支出"),
        ("20106", "财政事务"),
        ("2010601", "行政运行"),
    ]
