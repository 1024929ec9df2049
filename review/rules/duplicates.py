"""Things printed twice: one code under two names, one project listed twice.

Either way the filing counts the same money, or the same targets, twice (or
names two different things alike), and a reviewer has to decide which print
is meant.  Names are compared after normalisation, so a full-width bracket is
not a second name.
"""

from __future__ import annotations

from collections.abc import Iterator

from budget_filing.kinds import FUNCTIONAL, KIND_LABELS, PROJECT_LIST_KINDS, PROJECT_PERFORMANCE
from budget_filing.text import squash

from .model import Filing, Hit, Severity
from .names import match_key
from .registry import rule


@rule("dup.code_names", "duplicate_entry", Severity.ERROR, "功能分类表：同一科目编码印了两个不同的名称")
def check_code_names(filing: Filing) -> Iterator[Hit]:
    for table in filing.of_kind(FUNCTIONAL):
        names: dict[str, list[tuple[int, str]]] = {}
        for i, row in enumerate(table.rows):
            code = squash(row.get("code"))
            if code:
                names.setdefault(code, []).append((i, squash(row.get("name"))))
        for code, seen in names.items():
            distinct = list(dict.fromkeys(match_key(n) for _, n in seen))
            if len(distinct) < 2:
                continue
            shown = "、".join(dict.fromkeys(n for _, n in seen))
            yield Hit(
                table.index,
                code,
                f"科目编码 {code} 印了 {len(distinct)} 个名称：{shown}",
                row_index=seen[1][0],
                cells=("code", "name"),
                printed=shown,
                detail=f"code {code} printed with names {shown}",
            )


@rule("dup.project_rows", "duplicate_entry", Severity.ERROR, "项目支出表、转移支付表：同一项目列了两次")
def check_project_rows(filing: Filing) -> Iterator[Hit]:
    for table in filing.tables:
        if table.kind not in PROJECT_LIST_KINDS:
            continue
        rows: dict[str, list[int]] = {}
        for i, row in enumerate(table.rows):
            if row.get("subtotal"):
                continue
            name = squash(row.get("name")) or squash(row.get("label"))
            if name:
                rows.setdefault(match_key(name), []).append(i)
        for indices in rows.values():
            if len(indices) < 2:
                continue
            first = table.rows[indices[0]]
            name = squash(first.get("name")) or squash(first.get("label"))
            labels = "、".join(squash(table.rows[i].get("label")) for i in indices)
            yield Hit(
                table.index,
                name,
                f"{KIND_LABELS[table.kind]}中“{name}”列了 {len(indices)} 次：{labels}",
                row_index=indices[1],
                cells=("name",),
                printed=name,
                detail=f"project listed {len(indices)} times",
            )


@rule("dup.target_tables", "duplicate_entry", Severity.ERROR, "同一项目有两张绩效目标表")
def check_target_tables(filing: Filing) -> Iterator[Hit]:
    tables: dict[str, list[int]] = {}
    by_index = {t.index: t for t in filing.tables}
    for table in filing.of_kind(PROJECT_PERFORMANCE):
        name = squash(table.data.get("project"))
        if name:
            tables.setdefault(match_key(name), []).append(table.index)
    for indices in tables.values():
        if len(indices) < 2:
            continue
        name = squash(by_index[indices[0]].data.get("project"))
        where = "、".join(f"第 {i + 1} 张表" for i in indices)
        yield Hit(
            indices[1],
            name,
            f"项目“{name}”有 {len(indices)} 张绩效目标表（{where}）",
            cells=("project",),
            printed=name,
            detail=f"{len(indices)} target tables for this project (tables "
            f"{', '.join(str(i) for i in indices)})",
        )
