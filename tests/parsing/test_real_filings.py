"""Real 部门预算公开 packages (Jiangsu, Shanghai) and a real 决算: every table read, facts right.

The truth was written by hand from the pages (tests/corpus/real/README.md); nothing in the
parser knows these files: the same code must read packages from other regions.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any, Callable

import pytest

from tests.conftest import REAL, REAL_NAMES

MIN_F1 = 0.995
MIN_AMOUNTS = 0.999
FINAL = "sh-putuo-planning-2024-final-accounts"


def _truth(name: str) -> dict[str, Any]:
    return json.loads((REAL / "truth" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_filing_scores_against_truth(
    name: str, real_parse: Callable[[str], dict], scorer: ModuleType
) -> None:
    got = json.loads(json.dumps(real_parse(name), ensure_ascii=False))
    result = scorer.score(_truth(name), got)
    assert all(v["ok"] for v in result["filing"].values()), result["filing"]
    assert result["cells"]["overall"].f1 >= MIN_F1, scorer.report(result)
    assert result["cells"]["amounts"].rate >= MIN_AMOUNTS, scorer.report(result)


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_filing_is_read_whole(name: str, real_parse: Callable[[str], dict]) -> None:
    parsed = real_parse(name)
    assert parsed["coverage"] == {"tables": len(_truth(name)["tables"]), "unread": []}
    for table in parsed["tables"]:
        for row in table["rows"]:
            assert row["page"] in table["pages"] and len(row["bbox"]) == 4


def test_final_accounts_are_nine_grids(real_parse: Callable[[str], dict]) -> None:
    parsed = real_parse(FINAL)
    assert (parsed["department"], parsed["year"], parsed["stage"]) == (
        "上海市规划和自然资源局",
        2024,
        "final",
    )
    # titles and row counts as read from the pages (the 基本支出 table prints two halves side by side)
    assert [(t["title"], t["pages"], len(t["rows"])) for t in parsed["tables"]] == [
        ("收入支出决算总表", [7], 40),
        ("收入决算表", [8, 9], 25),
        ("支出决算表", [10, 11], 25),
        ("财政拨款收入支出决算总表", [12, 13], 36),
        ("一般公共预算财政拨款支出决算表", [14, 15], 25),
        ("一般公共预算财政拨款基本支出决算表", [16], 67),
        ("财政拨款“三公”经费支出决算表", [17], 1),
        ("政府性基金预算财政拨款收入支出决算表", [18], 1),
        ("国有资本经营预算财政拨款收入支出决算表", [19], 1),
    ]
    assert {(t["kind"], t["role"]) for t in parsed["tables"]} == {("grid", "final_accounts")}
    fund = parsed["tables"][7]
    # `本年支出` over 合计 | 基本支出 | 项目支出 printed on the 合计 line itself
    assert fund["columns"] == [
        "年初结转和结余",
        "本年收入",
        "本年支出/合计",
        "本年支出/基本支出",
        "本年支出/项目支出",
        "年末结转和结余",
    ]
    assert fund["rows"][0]["label"] == "合计" and set(fund["rows"][0]["values"].values()) == {None}
    assert "故本表无数据" in fund["note"]
    # a note is the lines printed under its table, never the 说明 that follows on later pages
    assert all(t["note"].endswith("。") and len(t["note"]) < 120 for t in parsed["tables"])


def test_final_accounts_coverage_names_the_unit_list(real_parse: Callable[[str], dict]) -> None:
    """The 单位构成 list in the 说明 is a ruled table of no kind: told as unread, not invented."""
    coverage = real_parse(FINAL)["coverage"]
    assert coverage["tables"] == 9
    assert [(u["page"], u["what"]) for u in coverage["unread"]] == [(6, "table")]
    assert coverage["unread"][0]["text"].startswith("序号 单位名称")


def test_two_sided_grid_lists_income_first(real_parse: Callable[[str], dict]) -> None:
    fiscal = next(
        t
        for t in real_parse("sh-putuo-justice-2026-dept-budget")["tables"]
        if t.get("role") == "fiscal_summary"
    )
    sides = [r["side"] for r in fiscal["rows"]]
    assert sides == sorted(sides, key=lambda s: s != "income") and set(sides) == {"income", "expense"}
    assert fiscal["rows"][0]["values"] == {"财政拨款收入/预算数": "96282213.44"}


def test_empty_table_is_a_grid_with_its_note(real_parse: Callable[[str], dict]) -> None:
    tables = real_parse("sh-putuo-justice-2026-dept-budget")["tables"]
    fund = next(t for t in tables if t.get("role") == "government_fund")
    assert [r["label"] for r in fund["rows"]] == ["合计"]
    assert fund["note"].startswith("注:本部门2026年无政府性基金预算")
    # never a second functional_expenditure
    assert [t["kind"] for t in tables].count("functional_expenditure") == 1


def test_narrative_is_kept_as_paragraphs(real_parse: Callable[[str], dict]) -> None:
    """The 说明 reaches the rules: one paragraph per numbered item, with page and box; 目录 lines
    and table titles are not prose."""
    narrative = real_parse("sh-putuo-justice-2026-dept-budget")["narrative"]
    texts = [p["text"] for p in narrative]
    item = next(p for p in narrative if p["text"].startswith("6、公共安全支出（204类）"))
    assert item["page"] == 9 and "比2025年预算执行数增加17.62%" in item["text"]
    assert len(item["bbox"]) == 4
    assert not any("……" in t for t in texts)
    assert not any(t.endswith("预算总表") for t in texts)
    # a package of tables only has no prose
    assert real_parse("js-npc-office-2019-budget-tables")["narrative"] == []
