"""Table kinds, grid roles, stages, column sets, sides and splits, with their Chinese names."""

from __future__ import annotations

from typing import Final

# ---- the six typed kinds and `grid` -------------------------------------------------------
SUMMARY: Final = "income_expense_summary"
FUNCTIONAL: Final = "functional_expenditure"
PROJECT: Final = "project_expenditure"
TRANSFER: Final = "transfer_payment"
DEPARTMENT_PERFORMANCE: Final = "department_performance"
PROJECT_PERFORMANCE: Final = "project_performance"
GRID: Final = "grid"

KIND_LABELS: Final[dict[str, str]] = {
    SUMMARY: "收支总体情况表",
    FUNCTIONAL: "一般公共预算支出表（功能分类科目）",
    PROJECT: "项目支出表",
    TRANSFER: "转移支付表",
    DEPARTMENT_PERFORMANCE: "部门整体支出绩效目标表",
    PROJECT_PERFORMANCE: "项目支出绩效目标表",
    GRID: "其他表格",
}
KINDS: Final = tuple(KIND_LABELS)
PERFORMANCE_KINDS: Final = (DEPARTMENT_PERFORMANCE, PROJECT_PERFORMANCE)
PROJECT_LIST_KINDS: Final = (PROJECT, TRANSFER)

# ---- what a grid is (SCHEMA.md, `grid`) ---------------------------------------------------
INCOME_SOURCES: Final = "income_sources"
EXPENSE_SPLIT: Final = "expense_split"
FISCAL_SUMMARY: Final = "fiscal_summary"
FISCAL_FUNCTIONAL: Final = "fiscal_functional"
ECONOMIC_BASIC: Final = "economic_basic"
THREE_PUBLIC: Final = "three_public"
OPERATING_COSTS: Final = "operating_costs"
GOVERNMENT_FUND: Final = "government_fund"
STATE_CAPITAL: Final = "state_capital"
PROCUREMENT: Final = "procurement"
PROJECT_LIST: Final = "project_list"
FINAL_ACCOUNTS: Final = "final_accounts"
SUMMARY_GRID: Final = "summary"
OTHER: Final = "other"

ROLE_LABELS: Final[dict[str, str]] = {
    SUMMARY_GRID: "收支总表",
    INCOME_SOURCES: "收入总表",
    EXPENSE_SPLIT: "支出总表",
    FISCAL_SUMMARY: "财政拨款收支总表",
    FISCAL_FUNCTIONAL: "财政拨款支出表（功能科目）",
    ECONOMIC_BASIC: "基本支出表（经济分类）",
    THREE_PUBLIC: "“三公”经费表",
    OPERATING_COSTS: "机关运行经费表",
    GOVERNMENT_FUND: "政府性基金预算支出表",
    STATE_CAPITAL: "国有资本经营预算支出表",
    PROCUREMENT: "政府采购预算表",
    PROJECT_LIST: "项目支出表（其他格式）",
    FINAL_ACCOUNTS: "决算表",
    OTHER: "其他表格",
}
ROLES: Final = tuple(ROLE_LABELS)

# ---- stages -------------------------------------------------------------------------------
ORIGINAL: Final = "original"
ADJUSTMENT: Final = "adjustment"
FINAL: Final = "final"
STAGE_LABELS: Final[dict[str, str]] = {ORIGINAL: "年初预算", ADJUSTMENT: "预算调整", FINAL: "决算"}
STAGES: Final = tuple(STAGE_LABELS)

# ---- column sets, sides, splits -----------------------------------------------------------
INITIAL: Final = "initial"
ADJUSTED: Final = "adjusted"
CHANGE: Final = "change"
COLUMN_SET_LABELS: Final[dict[str, str]] = {INITIAL: "年初预算数", ADJUSTED: "调整预算数", CHANGE: "增减数"}
COLUMN_SETS: Final = tuple(COLUMN_SET_LABELS)
# the two printed sides of a performance form (年初 | 调整)
TARGET_SIDES: Final = (INITIAL, ADJUSTED)

INCOME: Final = "income"
EXPENSE: Final = "expense"
SIDE_LABELS: Final[dict[str, str]] = {INCOME: "收入", EXPENSE: "支出"}
SIDES: Final = tuple(SIDE_LABELS)

TOTAL: Final = "total"
BASIC: Final = "basic"
PROJECT_PART: Final = "project"
SPLIT_LABELS: Final[dict[str, str]] = {TOTAL: "合计", BASIC: "基本支出", PROJECT_PART: "项目支出"}
SPLITS: Final = tuple(SPLIT_LABELS)

# the parts of a target table's 资金总额 (SCHEMA.md, `funds`)
FISCAL: Final = "fiscal"
NON_FISCAL: Final = "non_fiscal"
OTHER_FUNDS: Final = "other"
SUPERIOR: Final = "superior"
LOCAL: Final = "local"
FUND_LABELS: Final[dict[str, str]] = {
    TOTAL: "资金总额",
    FISCAL: "财政拨款",
    NON_FISCAL: "非财政拨款",
    BASIC: "基本支出",
    PROJECT_PART: "项目支出",
    OTHER_FUNDS: "其他资金",
    SUPERIOR: "上级补助",
    LOCAL: "本级安排",
}
# scored parts first, then the optional 上级/本级 ones
PROJECT_FUND_PARTS: Final = (TOTAL, FISCAL, NON_FISCAL, SUPERIOR, LOCAL)
PROJECT_FUND_SCORED: Final = (TOTAL, FISCAL, NON_FISCAL)
DEPARTMENT_FUND_PARTS: Final = (TOTAL, BASIC, PROJECT_PART, OTHER_FUNDS)

# ---- the fields of a table and its rows (SCHEMA.md), as a reviewer reads them ---------------
FIELD_LABELS: Final[dict[str, str]] = {
    "title": "表名",
    "unit": "单位",
    "role": "表格用途",
    "columns": "列",
    "note": "备注",
    "project": "项目名称",
    "supervisor": "主管部门",
    "implementer": "实施单位",
    "functions": "部门职能",
    "goals": "绩效目标",
    "side": "收/支",
    "label": "项目",
    "name": "名称",
    "code": "科目编码",
    "section": "所属部分",
    "subtotal": "小计行",
    "level1": "一级指标",
    "level2": "二级指标",
    "value": "指标值",
}
