"""Header rows are recognised by their key columns, whatever else they say.

Other producers word their headers freely; a cell we do not know must become an ignored
column, not cost the table. Rows here are small synthetic grids, one cell per column.
"""

from __future__ import annotations

from filings.parsing.document import _form_kind
from filings.parsing.layout import Cell, Grid
from filings.parsing.tables.base import (
    ColumnMap,
    Row,
    column_set,
    is_header_row,
    is_note_header,
)
from filings.parsing.tables.functional import FunctionalBuilder
from filings.parsing.tables.projects import ProjectListBuilder

WIDTH = 60.0


def row(*texts: str, r: int = 0) -> Row:
    """One grid row of equally wide cells holding `texts`."""
    xs = [i * WIDTH for i in range(len(texts) + 1)]
    ys = [r * 20.0, r * 20.0 + 20.0]
    cells = [Cell(xs[i], ys[0], xs[i + 1], ys[1], r, r + 1, i, i + 1, text=t) for i, t in enumerate(texts)]
    grid = Grid(xs, [0.0] * r + ys, cells)
    return Row(1, grid, r, cells)


def test_known_words_still_make_a_header() -> None:
    assert is_header_row(row("科目编码", "科目名称", "年初预算数", "调整预算数", "增减数"))


def test_unknown_cells_do_not_unmake_a_header() -> None:
    assert is_header_row(row("科目编码", "功能科目名称", "本年预算", "调整后预算数", "增减变化"))
    assert is_header_row(row("项目名称", "预算金额", "资金来源渠道说明文字"))
    assert is_header_row(row("项目名称", "上年预算数", "本年预算数", "其他一些很长的说明性表头文字"))


def test_a_header_needs_a_key_column_and_an_amount_column() -> None:
    assert not is_header_row(row("资金来源", "预算金额"))  # no code or name column
    assert not is_header_row(row("项目名称", "实施单位"))  # no amount column


def test_data_rows_are_never_headers() -> None:
    assert not is_header_row(row("就业创业项目", "", "", "预算追加"))  # blank amounts
    assert not is_header_row(row("就业创业项目", "-", "-", "调整预算"))
    assert not is_header_row(row("2080101", "行政运行", "1,000.00", "调整"))
    assert not is_header_row(row("一、一般公共预算项目", "预算安排"))
    assert not is_header_row(row("合计", "小计"))


def test_second_header_row_may_hold_only_amount_words() -> None:
    sub = row("合计", "基本支出", "增减变化", r=1)
    assert is_header_row(sub, continuing=True)
    assert not is_header_row(row("合计", "1.00", "2.00"), continuing=True)


def test_synonyms_name_their_column_set() -> None:
    assert column_set(("调整后预算数",)) == "adjusted"
    assert column_set(("调整金额",)) == "adjusted"
    assert column_set(("调整数",)) == "change"
    assert column_set(("增减变化",)) == "change"
    assert column_set(("变动额",)) == "change"
    assert column_set(("上年预算",)) == "initial"
    assert column_set(("原预算",)) == "initial"
    assert column_set(("本年预算",)) == "initial"


def test_a_sole_unnamed_amount_column_is_the_initial_one() -> None:
    columns = ColumnMap()
    columns.add(row("项目名称", "预算金额", "备注"))
    assert columns.column_set(("预算金额",)) == "initial"
    both = ColumnMap()
    both.add(row("项目名称", "预算金额", "调整预算数"))
    assert both.column_set(("预算金额",)) is None  # beside a named set: ambiguous
    assert both.column_set(("调整预算数",)) == "adjusted"


def test_project_list_with_unknown_headers_reads_its_rows() -> None:
    b = ProjectListBuilder("project_expenditure", "项目支出表", 1)
    b.feed(row("项目名称", "预算金额", "资金性质说明"))
    b.feed(row("（一）考试考务经费", "1,234.50", "本级", r=1))
    out = b.result()
    assert out is not None and out["rows"][0]["initial"] == "1234.50"


def test_functional_table_with_unknown_headers_reads_its_rows() -> None:
    b = FunctionalBuilder("functional_expenditure", "一般公共预算支出表", 1)
    b.feed(row("功能科目编码", "功能科目名称", "本年预算", "调整后预算数", "增减变化"))
    b.feed(row("2080101", "行政运行", "10.00", "12.00", "2.00", r=1))
    out = b.result()
    assert out is not None
    first = out["rows"][0]
    assert (
        first["code"],
        first["initial"]["total"],
        first["adjusted"]["total"],
        first["change"]["total"],
    ) == ("2080101", "10.00", "12.00", "2.00")


def test_a_list_header_opens_no_target_form() -> None:
    assert _form_kind(row("项目名称", "预算金额", "资金性质说明")) is None
    assert _form_kind(row("项目名称", "就业补助资金")) == "project_performance"
    listing = ProjectListBuilder("project_expenditure", "项目支出表", 1)
    listing.feed(row("项目名称", "预算数", "备注"))
    assert _form_kind(row("项目名称", "就业补助资金"), listing) is None


def test_note_column_synonyms() -> None:
    assert all(is_note_header(t) for t in ("备注", "说明", "备注说明", "情况说明", "备注(用途)"))
    assert not is_note_header("项目名称")
