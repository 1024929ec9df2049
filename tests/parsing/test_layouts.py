"""Layouts the corpus does not show, on filings rendered by `pdfgen`: each is parsed and
scored against the truth written alongside it.

One original-stage filing covers: a `收支预算总表` in 收入/支出 halves with one figure
column each; a `支出功能分类预算表` with the code split into 类/款/项 columns (one row
printing only its 项), running over two pages with repeated header rows, in 万元; a
project list broken over a page without repeated headers, with placeholder rows and a
note; a table of a kind the schema lacks, in between; and stacked project target tables,
one of whose merged 一级指标 cells is cut by a page break. A page is printed twice.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pdfgen import C, Doc  # tests/parsing is on sys.path (rootdir-less test modules)

from filings.parsing import parse_pdf

DEPT = "某某县人力资源和社会保障局"
YEAR = 2025


def _split(total: str, basic: str | None, project: str | None) -> dict[str, Any]:
    return {"initial": {"total": total, "basic": basic, "project": project}, "adjusted": None, "change": None}


def _summary(doc: Doc) -> dict[str, Any]:
    title = f"{DEPT}{YEAR}年收支预算总表"
    pages = [doc.text_line(title, size=16, center=True)]
    doc.text_line("单位：元", size=9, x=700)
    rows: list[list[C | str | None]] = [
        [C("收入", cs=2), None, C("支出", cs=2), None],
        ["项目", "预算数", "项目", "预算数"],
        ["一、一般公共预算拨款收入", "1,200,000.00", "一、社会保障和就业支出", "1,000,000.50"],
        ["二、其他收入", "-", "二、卫生健康支出", "199,999.50"],
        ["", "", "三、住房保障支出", "-"],
        ["收入总计", "1,200,000.00", "支出总计", "1,200,000.00"],
    ]
    pages += doc.table([200, 120, 200, 120], rows)
    income = [("一、一般公共预算拨款收入", "1200000.00"), ("二、其他收入", None), ("收入总计", "1200000.00")]
    expense = [
        ("一、社会保障和就业支出", "1000000.50"),
        ("二、卫生健康支出", "199999.50"),
        ("三、住房保障支出", None),
        ("支出总计", "1200000.00"),
    ]
    return {
        "kind": "income_expense_summary",
        "title": title,
        "unit": "元",
        "pages": sorted(set(pages)),
        "rows": [
            {"side": "income", "label": lb, "initial": v, "adjusted": None, "change": None}
            for lb, v in income
        ]
        + [
            {"side": "expense", "label": lb, "initial": v, "adjusted": None, "change": None}
            for lb, v in expense
        ],
    }


def _functional(doc: Doc) -> dict[str, Any]:
    doc.page_break()
    title = f"{DEPT}{YEAR}年支出功能分类预算表"
    pages = [doc.text_line(title, size=16, center=True)]
    doc.text_line("单位：万元", size=9, x=700)
    header: list[list[C | str | None]] = [
        [C("科目编码", cs=3), None, None, C("科目名称", rs=2), C("本年预算", cs=3), None, None],
        [None, None, None, None, "合计", "基本支出", "项目支出"],
    ]
    header[1] = ["类", "款", "项", None, "合计", "基本支出", "项目支出"]
    body: list[list[C | str | None]] = [
        [C("合 计", cs=4), None, None, None, "3,030.00", "1,000.00", "2,030.00"]
    ]
    expected = [{"code": None, "name": "合计", **_split("30300000.00", "10000000.00", "20300000.00")}]
    for k in range(1, 16):
        kuan = f"{k:02d}"
        body.append(["208", kuan, "", f"款{k}", "200.00", "-", "200.00"])
        expected.append({"code": f"208{kuan}", "name": f"款{k}", **_split("2000000.00", None, "2000000.00")})
        body.append(["208", kuan, "01", f"项{k}甲", "150.00", "-", "150.00"])
        expected.append(
            {"code": f"208{kuan}01", "name": f"项{k}甲", **_split("1500000.00", None, "1500000.00")}
        )
        # some tables print only the new part of a code
        body.append(["", "", "02", f"项{k}乙", "50.00", "-", "50.00"])
        expected.append(
            {"code": f"208{kuan}02", "name": f"项{k}乙", **_split("500000.00", None, "500000.00")}
        )
    pages += doc.table([40, 30, 30, 200, 110, 110, 110], header + body, repeat_header=2)
    return {
        "kind": "functional_expenditure",
        "title": title,
        "unit": "万元",
        "pages": sorted(set(pages)),
        "rows": expected,
    }


def _projects(doc: Doc) -> dict[str, Any]:
    doc.page_break()
    doc.text_line("附表3", size=10)
    title = f"{DEPT}{YEAR}年项目支出表"
    pages = [doc.text_line(title, size=16, center=True)]
    doc.text_line("单位：万元", size=9, x=700)
    rows: list[list[C | str | None]] = [
        ["项目名称", "预算数", "备注"],
        ["合计", "1,234.56", ""],
        ["一、一般公共预算", "1,234.56", ""],
    ]
    expected = [
        {
            "label": "合计",
            "name": "合计",
            "section": None,
            "subtotal": True,
            "initial": "12345600.00",
            "adjusted": None,
            "change": None,
            "note": "",
        },
        {
            "label": "一、一般公共预算",
            "name": "一般公共预算",
            "section": None,
            "subtotal": True,
            "initial": "12345600.00",
            "adjusted": None,
            "change": None,
            "note": "",
        },
    ]
    for n in range(1, 25):
        label = f"（{_numeral(n)}）项目{n}"
        note = "就业局项目，资金已全部下达到县" if n % 5 == 0 else ""
        rows.append([label, f"{n}.00" if n != 7 else "", note])
        expected.append(
            {
                "label": label,
                "name": f"项目{n}",
                "section": "一般公共预算",
                "subtotal": False,
                "initial": f"{n * 10000}.00" if n != 7 else None,
                "adjusted": None,
                "change": None,
                "note": note,
            }
        )
    rows += [["二、政府性基金预算", "-", ""], ["XXX项目", "", ""], [".....", "", ""]]
    expected.append(
        {
            "label": "二、政府性基金预算",
            "name": "政府性基金预算",
            "section": None,
            "subtotal": True,
            "initial": None,
            "adjusted": None,
            "change": None,
            "note": "",
        }
    )
    pages += doc.table([360, 120, 180], rows, row_height=20)
    doc.text_line("注：1. 本表填报预算部门的所有项目支出。", size=9)
    return {
        "kind": "project_expenditure",
        "title": title,
        "unit": "万元",
        "pages": sorted(set(pages)),
        "rows": expected,
    }


def _numeral(n: int) -> str:
    digits = "一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return (
        (digits[tens - 1] if tens > 1 else "") + ("十" if tens else "") + (digits[ones - 1] if ones else "")
    )


def _procurement(doc: Doc) -> dict[str, Any]:
    """A table of no typed kind: kept whole as a grid with its role."""
    title = f"{DEPT}{YEAR}年政府采购预算表"
    pages = [doc.text_line(title, size=16, center=True)]
    pages += doc.table([300, 200], [["采购项目", "金额"], ["办公设备", "12.00"], ["合计", "12.00"]])
    return {
        "kind": "grid",
        "role": "procurement",
        "title": title,
        "unit": "元",
        "pages": sorted(set(pages)),
        "columns": ["采购项目", "金额"],
        "rows": [
            {"side": None, "code": None, "label": label, "values": {"采购项目": label, "金额": "12.00"}}
            for label in ("办公设备", "合计")
        ],
    }


def _target(
    doc: Doc, project: str, indicators: list[tuple[str, str, str, str]], level1_rows: dict[str, int]
) -> dict[str, Any]:
    """A project target table in the original (one column set) layout."""
    title = "项目支出绩效目标表"
    pages = [doc.text_line(title, size=16, center=True)]
    doc.text_line(f"（{YEAR}年度）", size=10, center=True)
    rows: list[list[C | str | None]] = [
        [C("项目名称", cs=2), None, C(project, cs=4), None, None, None],
        [C("主管部门及代码", cs=2), None, C(f"[301]{DEPT}", cs=2), None, "实施单位", DEPT],
        [C("资金来源", cs=2, rs=3), None, C("资金总额(元):", cs=2), None, C("86,000", cs=2), None],
        [None, None, C("财政拨款", cs=2), None, C("86,000", cs=2), None],
        [None, None, C("其他资金", cs=2), None, C("0", cs=2), None],
        [C("年度总体目标", cs=2), None, C("目标1:完成全年工作任务。", cs=4), None, None, None],
        [C("绩效指标", rs=len(indicators) + 1), "一级指标", "二级指标", "三级指标", "指标值", "说明"],
    ]
    seen: set[str] = set()
    for level1, level2, name, value in indicators:
        row: list[C | str | None] = [None]
        row.append(C(level1, rs=level1_rows[level1]) if level1 not in seen else None)
        seen.add(level1)
        row += [level2, name, value, ""]
        rows.append(row)
    pages += doc.table([40, 60, 70, 200, 80, 80], rows)
    return {
        "kind": "project_performance",
        "title": title,
        "unit": "元",
        "pages": sorted(set(pages)),
        "project": project,
        "supervisor": f"[301]{DEPT}",
        "implementer": DEPT,
        "funds": {
            "initial": {"total": "86000.00", "fiscal": "86000.00", "non_fiscal": "0.00"},
            "adjusted": None,
        },
        "goals": {"initial": "目标1:完成全年工作任务。", "adjusted": None},
        "indicators": [
            {"level1": a, "level2": b, "initial": {"name": c, "value": d}, "adjusted": None, "note": ""}
            for a, b, c, d in indicators
        ],
    }


def _targets(doc: Doc) -> list[dict[str, Any]]:
    doc.page_break()
    short = [
        ("产出指标", "数量指标", "开展宣传场次", "≥2次"),
        ("效益指标", "社会效益指标", "提升政策知晓率", "有效提高"),
        ("满意度指标", "满意度指标", "群众满意度", "≥90%"),
    ]
    first = _target(doc, "宣传经费", short, {"产出指标": 1, "效益指标": 1, "满意度指标": 1})
    doc.y += 10
    long = [("产出指标", "数量指标", f"数量指标{k}", f"≥{k}次") for k in range(1, 16)]
    long += [
        ("效益指标", "社会效益指标", "就业形势稳定", "有效稳定"),
        ("满意度指标", "满意度指标", "服务对象满意度", "≥90%"),
    ]
    second = _target(doc, "就业补助资金", long, {"产出指标": 15, "效益指标": 1, "满意度指标": 1})
    return [first, second]


def _render(path: Path, **options: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    doc = Doc(footer=True, **options)
    tables = [_summary(doc), _functional(doc), _projects(doc), _procurement(doc)]
    tables += _targets(doc)
    # print the summary's page twice: it counts as a page of the summary, its rows once
    doc.duplicate_page(1)
    for table in tables:
        table["pages"] = sorted(
            {p + 1 if p > 1 else p for p in table["pages"]}
            | ({2} if table["kind"] == "income_expense_summary" else set())
        )
    doc.save(path)
    truth = {
        "schema": "budget-filing/1",
        "department": DEPT,
        "year": YEAR,
        "stage": "original",
        "tables": tables,
    }
    return truth, parse_pdf(path)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    return _render(tmp_path_factory.mktemp("synthetic") / "filing.pdf")


@pytest.mark.parametrize(
    "options", [{"rect_borders": True}, {"clip": True}], ids=["borders-as-boxes", "clipped-merged-text"]
)
def test_other_producers(tmp_path: Path, scorer: ModuleType, options: dict[str, Any]) -> None:
    """Borders drawn as thin boxes; merged-cell text drawn only where it is visible."""
    truth, got = _render(tmp_path / "filing.pdf", **options)
    result = scorer.score(truth, json.loads(json.dumps(got, ensure_ascii=False)))
    assert result["cells"]["overall"].f1 == 1.0, scorer.report(result, 40)


def test_synthetic_filing_scores_fully(
    synthetic: tuple[dict[str, Any], dict[str, Any]], scorer: ModuleType
) -> None:
    truth, got = synthetic
    result = scorer.score(truth, json.loads(json.dumps(got, ensure_ascii=False)))
    assert result["cells"]["overall"].f1 == 1.0, scorer.report(result, 40)
    assert result["cells"]["amounts"].rate == 1.0
    assert all(v["ok"] for v in result["filing"].values()), result["filing"]


def test_level_cut_by_page_break(synthetic: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _, got = synthetic
    table = [t for t in got["tables"] if t.get("project") == "就业补助资金"][0]
    assert len(table["pages"]) == 2
    pages = {ind["page"] for ind in table["indicators"] if ind["level1"] == "产出指标"}
    assert len(pages) == 2  # the 产出指标 rows sit on both pages, all carrying the level


def test_scale_changes_nothing(tmp_path: Path, scorer: ModuleType) -> None:
    """Narrower columns and smaller type: the same filing reads the same."""
    doc = Doc(width=595, height=842, footer=False)
    truth_table = _summary(doc)
    path = doc.save(tmp_path / "portrait.pdf")
    got = parse_pdf(path)
    truth = {
        "schema": "budget-filing/1",
        "department": DEPT,
        "year": YEAR,
        "stage": "original",
        "tables": [truth_table],
    }
    result = scorer.score(truth, json.loads(json.dumps(got, ensure_ascii=False)))
    assert result["cells"]["overall"].f1 == 1.0, scorer.report(result)


def _parse(doc: Doc, tmp_path: Path) -> dict[str, Any]:
    return parse_pdf(doc.save(tmp_path / "filing.pdf"))


def test_summary_sides_named_over_label_columns_only(tmp_path: Path) -> None:
    doc = Doc()
    doc.text_line(f"附表1：{DEPT}{YEAR}年部门收支总体情况表", size=16, center=True)
    doc.text_line("单位：万元", size=9, x=700)
    doc.table(
        [200, 100, 200, 100],
        [
            ["收入项目", "预算数", "支出项目", "预算数"],
            ["一、一般公共预算拨款收入", "12.50", "一、社会保障和就业支出", "(2.50)"],
            ["收入总计", "12.50", "支出总计", "—"],
        ],
    )
    got = _parse(doc, tmp_path)
    (table,) = got["tables"]
    assert table["title"] == f"{DEPT}{YEAR}年部门收支总体情况表"
    assert [(r["side"], r["label"], r["initial"]) for r in table["rows"]] == [
        ("income", "一、一般公共预算拨款收入", "125000.00"),
        ("income", "收入总计", "125000.00"),
        ("expense", "一、社会保障和就业支出", "-25000.00"),
        ("expense", "支出总计", None),
    ]
    assert (got["department"], got["year"], got["stage"]) == (DEPT, YEAR, "original")


def test_two_row_indicator_header_and_code_in_name_column(tmp_path: Path) -> None:
    doc = Doc()
    doc.text_line(f"{DEPT}{YEAR}年部门预算调整一般公共预算支出表", size=16, center=True)
    doc.table([300, 120], [["科目名称", "调整预算数"], ["2080101 行政运行", "1,000.00"]])
    doc.text_line(f"{DEPT}{YEAR}年部门预算调整项目支出绩效目标批复表", size=16, center=True)
    doc.table(
        [40, 60, 60, 150, 70, 150, 70, 80],
        [
            [C("项目名称", cs=2), None, C("某专项", cs=6), None, None, None, None, None],
            [
                C("绩效指标", rs=4),
                C("一级指标", rs=2),
                C("二级指标", rs=2),
                C("年初", cs=2),
                None,
                C("调整后", cs=2),
                None,
                C("说明", rs=2),
            ],
            [None, None, None, "三级指标", "指标值", "三级指标", "指标值", None],
            [None, C("产出", rs=2), "数量", "培训人数", "≥10人", "培训人数", "≥12人", ""],
            [None, None, "成本", "", "", "培训成本", "≤1万元", "新增"],
        ],
    )
    got = _parse(doc, tmp_path)
    functional, target = got["tables"]
    assert [(r["code"], r["name"], r["adjusted"]["total"]) for r in functional["rows"]] == [
        ("2080101", "行政运行", "1000.00")
    ]
    assert target["project"] == "某专项"
    assert target["indicators"][0]["initial"] == {"name": "培训人数", "value": "≥10人"}
    assert target["indicators"][0]["adjusted"] == {"name": "培训人数", "value": "≥12人"}
    assert target["indicators"][1]["initial"] is None
    assert target["indicators"][1]["level1"] == "产出"
    assert target["indicators"][1]["note"] == "新增"
    assert got["stage"] == "adjustment"
