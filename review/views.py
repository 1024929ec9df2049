"""Reviewer pages: dashboard, filing (a tab per table kind), source page, and the workflow posts.

Every table of a filing is on a tab: the typed kinds each on their own, the grids together on
one tab grouped by role. The head of the page says how much of the filing was read.

Views stay thin: reads through selectors, writes through services; a refused action comes back
as a message in Chinese.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from budget_filing.kinds import GRID, KIND_LABELS, ROLE_LABELS
from config.htmx import HtmxHttpRequest
from config.input_guard import InvalidInput
from filings.interchange import filing_to_dict
from filings.models import Department, ParsedTable
from filings.models.tables import TableKind
from filings.selectors import filing_documents

from . import compare, exports, selectors, services
from . import report as report_sheets
from .access import can_review, filings_visible_to, is_admin, tables_uploaded_by
from .crops import VALUE_MARGIN, region_crop
from .diff import filing_diff
from .filters import FilingFilter
from .forms import CommentForm, FlagForm
from .models import Comment, Decision, Finding, Flag, Severity
from .pages import page_image
from .tables import (
    EXPORT_FORMATS,
    CellFindings,
    FilingTable,
    FunctionalTable,
    GridTable,
    ProjectTable,
    SummaryTable,
    TableFlags,
    paginate,
)

TABS = [
    ("summary", "收支总表", [TableKind.INCOME_EXPENSE_SUMMARY]),
    ("functional", "功能分类", [TableKind.FUNCTIONAL_EXPENDITURE]),
    ("projects", "项目支出", [TableKind.PROJECT_EXPENDITURE]),
    ("transfers", "转移支付", [TableKind.TRANSFER_PAYMENT]),
    ("targets", "绩效目标", [TableKind.DEPARTMENT_PERFORMANCE, TableKind.PROJECT_PERFORMANCE]),
    # All grids on one tab, grouped by role: a package has up to a dozen roles, too many for tabs.
    ("grids", KIND_LABELS[GRID], [TableKind.GRID]),
]
TABLE_CLASSES = {
    TableKind.INCOME_EXPENSE_SUMMARY: (SummaryTable, "summary_lines"),
    TableKind.FUNCTIONAL_EXPENDITURE: (FunctionalTable, "functional_lines"),
    TableKind.PROJECT_EXPENDITURE: (ProjectTable, "project_lines"),
    TableKind.TRANSFER_PAYMENT: (ProjectTable, "project_lines"),
}


def _require_reviewer_or_admin(request: HtmxHttpRequest) -> None:
    if not (request.user.has_perm("filings.review_filing") or is_admin(request.user)):
        raise PermissionDenied


@require_GET
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    _require_reviewer_or_admin(request)
    departments = Department.objects.filter(filings__in=filings_visible_to(request.user)).distinct()
    filterset = FilingFilter(
        request.GET or None, queryset=selectors.dashboard_filings(request.user), departments=departments
    )
    table = paginate(request, FilingTable(filterset.qs))
    return render(request, "review/dashboard.html", {"filter": filterset, "table": table})


def _tabs(tables: list[ParsedTable], findings: dict[int | None, list[Finding]]) -> list[dict[str, Any]]:
    tabs = []
    for slug, label, kinds in TABS:
        members = [t for t in tables if t.kind in kinds]
        if members:
            count = sum(1 for t in members for f in findings.get(t.pk, []) if f.decision == Decision.OPEN)
            tabs.append({"slug": slug, "label": label, "tables": members, "open": count})
    return tabs


@require_GET
def filing_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    filing = selectors.visible_filing(request.user, pk)
    tables = selectors.filing_table_list(filing)
    findings = selectors.table_findings(filing)
    tabs = _tabs(tables, findings)
    all_findings = [f for group in findings.values() for f in group]
    extra = [
        ("findings", "异常", sum(f.decision == Decision.OPEN for f in all_findings)),
        ("compare", "对比", None),
    ]
    if filing.previous_id:
        extra.append(("diff", "版本差异", None))
    extra.append(("history", "记录", None))
    slugs = [t["slug"] for t in tabs] + [slug for slug, _, _ in extra]
    active = request.GET.get("tab") or (slugs[0] if slugs else "findings")
    if active not in slugs:
        raise Http404("没有这个标签页")
    context: dict[str, Any] = {
        "filing": filing,
        "coverage": selectors.filing_coverage(filing=filing, tables=len(tables)),
        "tabs": tabs,
        "extra_tabs": extra,
        "active": active,
        "can_review": can_review(request.user, filing),
        "open_errors": services.open_errors(filing),
        # A superseded version says so, with a link, and can no longer be signed.
        # annotated by visible_filing
        "newer": (
            {"pk": filing.newer_id, "version": filing.newer_version}  # type: ignore[attr-defined]
            if filing.newer_id  # type: ignore[attr-defined]
            else None
        ),
        # An original budget prints one column set; an adjustment prints initial beside adjusted.
        "adjusted": filing.stage == filing.Stage.ADJUSTMENT,
    }
    tab = next((t for t in tabs if t["slug"] == active), None)
    export = request.GET.get("_export")
    if export:
        if export not in EXPORT_FORMATS:
            raise InvalidInput("只能导出 csv 或 xlsx 格式。")
        return _export(request, filing, context, tab, findings, export)
    if tab is not None:
        if tab["slug"] == "targets":
            context["targets"] = _targets(filing, tab["tables"], findings)
            context["row_flags"] = TableFlags.of_filing(filing)  # a card flagged shows it
        else:
            if tab["slug"] == "grids":
                selectors.grid_rows_prefetched(tables=tab["tables"])
            context["row_flags"] = TableFlags.of_filing(filing)
            context["doubtful_cells"] = selectors.doubtful_cells_by_table(filing=filing)
            built = []
            for table in tab["tables"]:
                built_table = _printed_table(request, filing, table, findings.get(table.pk, []), context)
                built.append(
                    {"table": table, "rendered": built_table, "findings": findings.get(table.pk, [])}
                )
            context["printed"] = built
            if tab["slug"] == "grids":
                context["grid_groups"] = _by_role(built)
    elif active == "findings":
        context.update(_findings_panel(request, filing, all_findings, tables))
        if request.htmx:  # a filter changed: only the panel, swapped in place
            return render(request, "review/_findings.html", context)
    elif active == "compare":
        context.update(_comparison(filing))
    elif active == "diff":
        previous = filing.previous
        context["previous"] = previous
        context["diff"] = filing_diff(filing_to_dict(previous), filing_to_dict(filing)) if previous else []
    elif active == "history":
        context["history"] = selectors.filing_timeline(filing=filing, findings=all_findings)
    return render(request, "review/filing.html", context)


def _printed_table(
    request: HtmxHttpRequest,
    filing: Any,
    table: ParsedTable,
    findings: list[Finding],
    context: dict[str, Any],
) -> Any:
    common = {
        "filing_id": filing.pk,
        "can_flag": context["can_review"] and not filing.is_read_only,
        "prefix": f"t{table.pk}-",
        "adjusted": context["adjusted"],  # an original budget shows no empty 调整/增减 columns
        "flags": context.get("row_flags"),  # read once for the page's tables
    }
    if table.kind == TableKind.GRID:
        built = GridTable.for_table(table, findings=findings, **common)
    else:
        table_class, related = TABLE_CLASSES[table.kind]
        built = table_class(
            getattr(table, related).all(), unit=table.unit, findings=CellFindings(findings), **common
        )
    # values read from a scan that wait for a reviewer (read once for the page's tables)
    built.findings.mark_doubtful((context.get("doubtful_cells") or {}).get(table.pk, []))
    return paginate(request, built)


def _export(
    request: HtmxHttpRequest,
    filing: Any,
    context: dict[str, Any],
    tab: dict[str, Any] | None,
    findings: dict[int | None, list[Finding]],
    export_format: str,
) -> HttpResponse:
    """The active tab as a CSV or XLSX file: a table of a table tab, or the tab's whole content."""
    active = context["active"]
    fallback = f"filing-{filing.pk}-{active}"
    if tab is not None:
        wanted = request.GET.get("table")
        tables = tab["tables"]  # no table named: the whole tab, a sheet per table
        if wanted is not None:
            # Only a table of this tab of this filing: another filing's table id is not found.
            tables = [t for t in tables if str(t.pk) == wanted]
            if not tables:
                raise Http404("没有这张表")
            # A filing has several grids of one role (two 经济分类 tables): the id tells them apart.
            fallback = f"filing-{filing.pk}-table-{tables[0].pk}"
        sheets = _table_sheets(request, filing, tab["slug"], tables, findings, context)
        if tab["slug"] == "targets" and export_format == "xlsx":
            sheets.append(exports.funds_sheet(filing, tables, adjusted=context["adjusted"]))
        if wanted is None:
            whole = exports.combined_sheet(filing, tab["label"], sheets)
            if export_format == "csv":
                if whole is None:
                    raise InvalidInput("本页的表列不同，CSV 只能逐张导出：请点击表旁的 CSV，或导出 XLSX。")
                sheets = [whole]
            name = exports.file_name(filing.department.name, filing.year, tab["label"])
            content = exports.csv_bytes(sheets[0]) if export_format == "csv" else exports.xlsx_bytes(sheets)
            return exports.attachment(content, export_format=export_format, name=name, fallback=fallback)
    elif active == "compare":
        sheets = [exports.compare_sheet(filing, _comparison(filing))]
    elif active == "diff":
        previous = filing.previous
        diff = filing_diff(filing_to_dict(previous), filing_to_dict(filing)) if previous else []
        sheets = [exports.diff_sheet(filing, previous, diff)]
    elif active == "findings":
        sheets = report_sheets.findings_sheets(filing)
    else:  # history
        sheets = [report_sheets.record_sheet(filing)]
    name = exports.file_name(filing.department.name, filing.year, sheets[0].name)
    if export_format == "csv":  # one table: the tab's first (the findings, not their flags)
        content = exports.csv_bytes(sheets[0])
    else:
        content = exports.xlsx_bytes(sheets)
    return exports.attachment(content, export_format=export_format, name=name, fallback=fallback)


def _table_sheets(
    request: HtmxHttpRequest,
    filing: Any,
    slug: str,
    tables: list[ParsedTable],
    findings: dict[int | None, list[Finding]],
    context: dict[str, Any],
) -> list[exports.Sheet]:
    """Each table as the tab prints it (its sort included), for an export."""
    if slug == "targets":
        read = ParsedTable.objects.select_related("target").prefetch_related("target__indicators")
        by_pk = read.in_bulk([t.pk for t in tables])
        return [exports.target_sheet(filing, by_pk[t.pk], adjusted=context["adjusted"]) for t in tables]
    if slug == "grids":
        selectors.grid_rows_prefetched(tables=tables)
    return [
        exports.printed_table_sheet(
            filing, table, _printed_table(request, filing, table, findings.get(table.pk, []), context)
        )
        for table in tables
    ]


def _by_role(built: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Grids grouped by role, the groups in the order their first table is printed."""
    groups: dict[str, dict[str, Any]] = {}
    for item in built:
        role = item["table"].role
        label = ROLE_LABELS.get(role, role or ROLE_LABELS["other"])
        groups.setdefault(role, {"role": role or "other", "label": label, "items": []})["items"].append(item)
    return list(groups.values())


def _targets(filing: Any, tables: list[ParsedTable], findings: dict[int | None, list[Finding]]) -> list[Any]:
    targets = []
    prefetched = {
        t.pk: t
        for t in ParsedTable.objects.filter(pk__in=[t.pk for t in tables])
        .select_related("target")
        .prefetch_related("target__indicators")
    }
    doubtful = selectors.doubtful_cells_by_table(filing=filing)  # values read from a scan, to check
    for table in tables:
        table = prefetched[table.pk]
        table_findings = findings.get(table.pk, [])
        to_check: dict[int | None, set[str]] = {}
        for row, field in doubtful.get(table.pk, []):
            to_check.setdefault(row, set()).add(field)
        by_row: dict[int | None, list[Finding]] = {}
        for finding in table_findings:
            # an anomaly on several indicators marks each of them (Finding.parts)
            rows = (p.get("row") for p in finding.part_list if p.get("table") in (None, table.pk))
            for row in dict.fromkeys(rows):
                by_row.setdefault(row, []).append(finding)
        targets.append(
            {
                "table": table,
                "target": table.target,
                "indicators": list(table.target.indicators.all()),
                "row_findings": by_row,
                "head_findings": by_row.get(None, []),
                "doubtful": to_check,  # {indicator position: {"initial.value", …}}, None: the funds
                "doubtful_head": to_check.get(None, set()),
            }
        )
    return targets


FINDING_STATUSES = {
    "open": [Decision.OPEN],
    "resolved": [Decision.RESOLVED],
    "dismissed": [Decision.DISMISSED],
}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _tab_of(table_kind: str) -> str:
    """The tab a finding's table is printed on (a finding in the 说明 has none)."""
    if table_kind.startswith(f"{GRID}:"):
        return "grids"
    return next((slug for slug, _, kinds in TABS if table_kind in kinds), "")


def _panel_filters(request: HtmxHttpRequest) -> dict[str, str]:
    """The panel's filters from GET, or from the page an htmx post came from."""
    query: Any = request.GET
    if request.method == "POST" and request.htmx and request.htmx.current_url:
        from urllib.parse import parse_qs, urlsplit

        query = {k: v[-1] for k, v in parse_qs(urlsplit(request.htmx.current_url).query).items()}
    return {
        "severity": query.get("severity", "") if query.get("severity", "") in SEVERITY_ORDER else "",
        "status": status if (status := query.get("status", "open")) in (*FINDING_STATUSES, "all") else "open",
        "class": query.get("class", ""),
        "table": query.get("table", ""),
    }


def _kind_label(table_kind: str) -> str:
    kind, _, role = table_kind.partition(":")
    if kind == "narrative":
        return "说明"
    label = KIND_LABELS.get(kind, kind)
    return f"{label}（{ROLE_LABELS.get(role, role)}）" if role else label


def _findings_panel(
    request: HtmxHttpRequest, filing: Any, findings: list[Finding], tables: list[ParsedTable]
) -> dict[str, Any]:
    """The findings tab: filtered in memory (the page read them all already), sorted by page.

    The anomalies SCHEMA.md counts come first, one item each; the classes of our own (hints)
    follow in their own 参考提示 section, so the 异常 list holds exactly one item per anomaly.
    """
    chosen = _panel_filters(request)
    prefetch_related_objects(findings, "decided_by")  # who decided, in one query for them all
    statuses = FINDING_STATUSES.get(chosen["status"]) or list(Decision)
    shown = [
        f
        for f in findings
        if f.decision in statuses
        and (not chosen["severity"] or f.severity == chosen["severity"])
        and (not chosen["class"] or f.anomaly_class == chosen["class"])
        and (not chosen["table"] or f.table_kind == chosen["table"])
    ]
    shown.sort(key=lambda f: (f.page is None, f.page or 0, SEVERITY_ORDER[f.severity], f.pk))
    titles = {t.pk: t.title for t in tables}
    for f in findings:
        # what the item's link needs, read once for the list
        f.tab = _tab_of(f.table_kind)  # type: ignore[attr-defined]
        f.table_title = titles.get(f.table_id, "") if f.table_id is not None else ""  # type: ignore[attr-defined]
    status_counts = {s: sum(f.decision in d for f in findings) for s, d in FINDING_STATUSES.items()}
    classes = sorted({f.anomaly_class: f.class_label for f in findings}.items(), key=lambda c: c[1])
    kinds = sorted({f.table_kind for f in findings})
    return {
        "anomalies": [f for f in shown if not f.advisory],
        "hints": [f for f in shown if f.advisory],
        "filters": chosen,
        "status_counts": status_counts,
        "finding_total": len(findings),
        "class_choices": classes,
        "table_choices": [(k, _kind_label(k)) for k in kinds],
        "severity_choices": [(s.value, s.label) for s in Severity],
        "flags": list(filing.flags.select_related("table", "created_by", "decided_by")),
        "threads": _threads(filing),
        # four eyes: no resolve / dismiss buttons on what the user uploaded themselves
        "uploaded_tables": tables_uploaded_by(request.user, filing),
    }


def _threads(filing: Any) -> dict[str, list[Comment]]:
    threads: dict[str, list[Comment]] = {}
    for comment in filing.comments.select_related("author"):
        threads.setdefault(comment.thread, []).append(comment)
    return threads


def _comparison(filing: Any) -> dict[str, Any]:
    doc = filing_to_dict(filing, narrative=False)  # the comparisons are of tables only
    context: dict[str, Any] = {"classes": compare.function_classes(doc), "projects": compare.projects(doc)}
    previous = selectors.previous_year_filing(filing)
    if previous is not None:
        context["previous_year"] = previous
        context["year_over_year"] = compare.year_over_year(filing_to_dict(previous, narrative=False), doc)
    return context


@require_GET
def source(request: HtmxHttpRequest, pk: int, table_id: int, row: int) -> HttpResponse:
    filing = selectors.visible_filing(request.user, pk)
    table = get_object_or_404(ParsedTable.objects.select_related("document"), pk=table_id, filing=filing)
    record = _row(table, row)
    page = record.page or (table.pages[0] if table.pages else 1)
    tab = _tab_of(table.kind)
    return _source_page(
        request,
        filing,
        table.document,
        page,
        record.bbox if record.page == page else None,
        {"table": table, "heading": table.title, "record": record},
        back=reverse("review:filing", args=[filing.pk]) + f"?tab={tab}#t{table.pk}-r{row}",
    )


@require_GET
def unread_source(request: HtmxHttpRequest, pk: int, document_id: int, index: int) -> HttpResponse:
    """The page of a region the parser saw but no table covers, the region boxed."""
    filing = selectors.visible_filing(request.user, pk)
    document, region = selectors.unread_region(filing=filing, document_id=document_id, index=index)
    page = region.get("page")
    if not isinstance(page, int):
        raise Http404("页面不存在")
    what = selectors.UNREAD_WHAT.get(region.get("what") or "", "内容")
    return _source_page(
        request,
        filing,
        document,
        page,
        region.get("bbox"),
        {"heading": f"未读取的{what}", "record": region.get("text") or ""},
    )


def _paged_finding(filing: Any, finding_id: int) -> tuple[Finding, Any]:
    """A finding of this filing that stands on a page, and the document printing that page."""
    finding = get_object_or_404(
        Finding.objects.select_related("document", "table__document"),
        pk=finding_id,
        filing=filing,
        page__isnull=False,
    )
    document = _finding_document(filing, finding)
    if document is None:
        raise Http404("原文件不存在")
    return finding, document


def _finding_document(filing: Any, finding: Finding) -> Any:
    if finding.document_id is not None:
        return finding.document
    if finding.table is not None:
        return finding.table.document
    return filing_documents(filing).order_by("uploaded_at", "id").first()


@require_GET
def narrative_source(request: HtmxHttpRequest, pk: int, finding_id: int) -> HttpResponse:
    """The page of a finding (in the 说明 or on a table), every cell it concerns boxed."""
    filing = selectors.visible_filing(request.user, pk)
    finding, document = _paged_finding(filing, finding_id)
    return _source_page(
        request,
        filing,
        document,
        finding.page or 1,  # page__isnull=False above
        finding.bbox,
        {"heading": finding.class_label, "record": finding.message},
        back=_finding_back(filing, finding.pk),
        current=finding.pk,
    )


@require_GET
def document_page(request: HtmxHttpRequest, pk: int, document_id: int, page: int) -> HttpResponse:
    """One page of a document with the findings on it; the previous/next page links come here."""
    filing = selectors.visible_filing(request.user, pk)
    document = get_object_or_404(filing_documents(filing), pk=document_id)
    given = request.GET.get("finding", "")
    # only a finding's id keeps the back link to it; anything else is no finding
    current = int(given) if given.isascii() and given.isdigit() and len(given) < 12 else None
    back = _finding_back(filing, current) if current else None
    return _source_page(
        request,
        filing,
        document,
        page,
        None,
        {"heading": document.original_filename, "record": ""},
        back=back,
        current=current,
    )


def _finding_back(filing: Any, finding_id: int) -> str:
    return reverse("review:filing", args=[filing.pk]) + f"?tab=findings#finding-{finding_id}"


def _percent(bbox: Any, size: dict[str, float]) -> dict[str, float] | None:
    try:  # a box stored by an older or a faulty parse is shown as no box, never as an error
        x0, top, x1, bottom = (float(v) for v in bbox)
    except (TypeError, ValueError):
        return None
    return {
        "left": 100 * x0 / size["width"],
        "top": 100 * top / size["height"],
        "width": 100 * (x1 - x0) / size["width"],
        "height": 100 * (bottom - top) / size["height"],
    }


def _page_findings(filing: Any, document: Any, page: int) -> list[Finding]:
    """The findings printed on this page of this document (any of their parts)."""
    on_page = []
    for finding in Finding.objects.filter(filing=filing, document=document).order_by("id"):
        parts = [p for p in finding.part_list if p.get("page") == page]
        if parts:
            finding.page_parts = parts  # type: ignore[attr-defined]
            on_page.append(finding)
    return on_page


def _source_page(
    request: HtmxHttpRequest,
    filing: Any,
    document: Any,
    page: int,
    bbox: Any,
    extra: dict[str, Any],
    back: str | None = None,
    current: int | None = None,
) -> HttpResponse:
    try:
        _, size = page_image(document, page)
    except (FileNotFoundError, IndexError) as exc:
        raise Http404("原文件或页面不存在") from exc
    findings = _page_findings(filing, document, page)
    boxes = []
    for finding in findings:
        for part in finding.page_parts:  # type: ignore[attr-defined]
            box = _percent(part.get("bbox"), size)
            if box is not None:
                boxes.append(box | {"severity": finding.severity, "finding": finding.pk})
    keep = f"?finding={current}" if current else ""

    def page_link(number: int) -> str:
        return reverse("review:document_page", args=[filing.pk, document.pk, number]) + keep

    last = document.page_count
    return render(
        request,
        "review/source.html",
        {
            "filing": filing,
            "page": page,
            "box": _percent(bbox, size),
            "boxes": boxes,
            "page_findings": findings,
            "current": current,
            "back": back or reverse("review:filing", args=[filing.pk]) + "?tab=findings",
            "previous_page": page_link(page - 1) if page > 1 else None,
            "next_page": page_link(page + 1) if last is None or page < last else None,
            "image_url": reverse("review:page_image", args=[filing.pk, document.pk, page]),
            **extra,
        },
    )


@require_GET
def finding_crop(request: HtmxHttpRequest, pk: int, finding_id: int) -> FileResponse:
    """The region of the page a finding concerns, as a PNG beside it in the panel."""
    filing = selectors.visible_filing(request.user, pk)
    finding, document = _paged_finding(filing, finding_id)
    try:
        path = region_crop(document, finding.page or 1, finding.bbox)  # page__isnull=False above
    except (FileNotFoundError, IndexError) as exc:
        raise Http404("页面不存在") from exc
    return FileResponse(path.open("rb"), content_type="image/png")


def _row(table: ParsedTable, position: int) -> Any:
    if table.kind in TABLE_CLASSES:
        related = TABLE_CLASSES[table.kind][1]
        return get_object_or_404(getattr(table, related), position=position)
    if table.kind == TableKind.GRID:
        return get_object_or_404(table.grid_rows, position=position)
    return get_object_or_404(table.target.indicators, position=position)


@require_GET
def page_png(request: HtmxHttpRequest, pk: int, document_id: int, page: int) -> FileResponse:
    filing = selectors.visible_filing(request.user, pk)
    # the documents the filing's source pages link to, carried-forward ones included
    document = get_object_or_404(filing_documents(filing), pk=document_id)
    try:
        path, _ = page_image(document, page)
    except (FileNotFoundError, IndexError) as exc:
        raise Http404("页面不存在") from exc
    # no Cache-Control here: every signed-in page is `private, no-store` (config/middleware.py)
    return FileResponse(path.open("rb"), content_type="image/png")


def _back(request: HtmxHttpRequest, filing_pk: int, tab: str = "") -> HttpResponse:
    target = request.POST.get("next") or ""
    if not target.startswith("/filings/"):  # only our own pages, never an open redirect
        target = reverse("review:filing", args=[filing_pk]) + (f"?tab={tab}" if tab else "")
    return redirect(target)


def _act(request: HtmxHttpRequest, filing_pk: int, action: Any, done: str, tab: str = "") -> HttpResponse:
    try:
        action()
    except services.ReviewRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return _back(request, filing_pk, tab)


@require_POST
def start_review(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    filing = selectors.visible_filing(request.user, pk)
    return _act(
        request, pk, lambda: services.filing_start_review(filing=filing, user=request.user), "已开始审核。"
    )


@require_POST
def flag_row(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    filing = selectors.visible_filing(request.user, pk)
    form = FlagForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(form.first_error())
    data = form.cleaned_data
    table = get_object_or_404(ParsedTable, pk=data["table"], filing=filing)
    return _act(
        request,
        pk,
        lambda: services.flag_create(
            filing=filing,
            table=table,
            row_position=data["row"],
            row_label=data["label"],
            note=data["note"],
            user=request.user,
        ),
        "已添加标记。",
    )


def _item_partial(
    request: HtmxHttpRequest, filing: Any, item: Finding | Flag, note: str, ok: bool
) -> HttpResponse:
    """One finding or flag re-rendered in place (htmx): no reload, the scroll stays where it was."""
    if isinstance(item, Finding):
        item.tab = _tab_of(item.table_kind)  # type: ignore[attr-defined]
        table = item.table
        item.table_title = table.title if table is not None else ""  # type: ignore[attr-defined]
    context = {
        "filing": filing,
        "f": item,
        "can_review": can_review(request.user, filing),
        "threads": _threads(filing),
        "uploaded_tables": tables_uploaded_by(request.user, filing),
        "note": note,
        "note_ok": ok,
    }
    name = "review/_finding_item.html" if isinstance(item, Finding) else "review/_flag_item.html"
    return _with_counts(render(request, name, context), filing)


def _with_counts(response: HttpResponse, filing: Any) -> HttpResponse:
    """Tell the page (htmx ``findings-changed``) how many remain open, for the sign-off and tab badge."""
    errors = services.open_errors(filing)
    still_open = filing.findings.open().count()
    response["HX-Trigger"] = json.dumps({"findings-changed": {"open_errors": errors, "open": still_open}})
    return response


def _act_on_item(
    request: HtmxHttpRequest, filing: Any, item: Finding | Flag, action: Any, done: str
) -> HttpResponse:
    """Do ``action``; an htmx request gets the item back, any other a redirect to the findings tab."""
    if not request.htmx:
        anchor = f"#{'finding' if isinstance(item, Finding) else 'flag'}-{item.pk}"
        response = _act(request, filing.pk, action, done, "findings")
        if response["Location"].find("#") < 0:
            response["Location"] += anchor
        return response
    try:
        action()
    except services.ReviewRefused as exc:
        item.refresh_from_db()
        return _item_partial(request, filing, item, str(exc), ok=False)
    return _item_partial(request, filing, item, done, ok=True)


@require_POST
def decide_item(request: HtmxHttpRequest, pk: int, kind: str, item_id: int) -> HttpResponse:
    filing = selectors.visible_filing(request.user, pk)
    item: Finding | Flag
    if kind == "finding":
        item = get_object_or_404(Finding, pk=item_id, filing=filing)
    elif kind == "flag":
        item = get_object_or_404(Flag, pk=item_id, filing=filing)
    else:
        raise Http404
    item.filing = filing  # the filing read with its newer version, not read again
    decision = request.POST.get("decision", "")
    labels: dict[str, str] = {
        Decision.RESOLVED: "已标为解决。",
        Decision.DISMISSED: "已驳回。",
        Decision.OPEN: "已重新打开。",
    }
    return _act_on_item(
        request,
        filing,
        item,
        lambda: services.decide(
            item=item, decision=decision, reason=request.POST.get("reason", ""), user=request.user
        ),
        labels.get(decision, "已处理。"),
    )


@require_POST
def decide_bulk(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Resolve or dismiss the selected findings with one reason; htmx gets the panel back."""
    filing = selectors.visible_filing(request.user, pk)
    # ASCII digits that fit a key: "²".isdigit() holds too, and 300 digits overflow PostgreSQL
    ids = [int(v) for v in request.POST.getlist("finding") if v.isascii() and v.isdigit() and len(v) < 10]
    findings = list(Finding.objects.filter(filing=filing, pk__in=ids))
    for finding in findings:
        finding.filing = filing
    decision = request.POST.get("decision", "")
    note, ok = "", True
    try:
        count = services.findings_decide_bulk(
            findings=findings, decision=decision, reason=request.POST.get("reason", ""), user=request.user
        )
    except services.ReviewRefused as exc:
        note, ok = str(exc), False
    else:
        note = f"已{'解决' if decision == Decision.RESOLVED else '驳回'} {count} 项。"
    if not request.htmx:
        (messages.success if ok else messages.error)(request, note)
        return _back(request, pk, "findings")
    tables = selectors.filing_table_list(filing)
    all_findings = [f for group in selectors.table_findings(filing).values() for f in group]
    context: dict[str, Any] = {"filing": filing, "can_review": can_review(request.user, filing)}
    context.update(_findings_panel(request, filing, all_findings, tables))
    context.update({"note": note, "note_ok": ok})
    return _with_counts(render(request, "review/_findings.html", context), filing)


@require_POST
def comment(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    filing = selectors.visible_filing(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(form.first_error())
    # A thread is a finding's (by its place) or a flag's of this filing; any other is not found.
    kind, ref = form.thread_target()
    item: Finding | Flag | None
    if kind == "finding":
        item = filing.findings.filter(place=ref).first()
    elif kind == "flag":
        item = filing.flags.filter(pk=ref).first()
    else:
        raise Http404("没有这个讨论")
    if item is None:
        raise Http404("没有这个讨论")
    item.filing = filing
    return _act_on_item(
        request,
        filing,
        item,
        lambda: services.comment_add(
            filing=filing,
            thread=form.cleaned_data["thread"],
            body=form.cleaned_data["body"],
            user=request.user,
        ),
        "已发表评论。",
    )


@require_POST
def sign_off(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    filing = selectors.visible_filing(request.user, pk)
    return _act(
        request,
        pk,
        lambda: services.filing_sign_off(
            filing=filing, user=request.user, override_reason=request.POST.get("override_reason", "")
        ),
        "已签批。该预算文件现为只读。",
    )


@require_GET
def report(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The review report; before a sign-off it says 未签批 (a progress report, not the record)."""
    filing = selectors.visible_filing(request.user, pk)
    return exports.attachment(
        report_sheets.review_report(filing),
        export_format="xlsx",
        name=report_sheets.report_name(filing),
        fallback=f"review-report-{filing.pk}",
    )


# ---- values read by OCR from a scan: 待核对 ---------------------------------------------------


@require_GET
def doubtful(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The filing's values read from a scan that wait for a reviewer, each beside its image."""
    filing = selectors.visible_filing(request.user, pk)
    cells = selectors.filing_ocr_cells(filing=filing)
    return render(
        request,
        "review/doubtful.html",
        {
            "filing": filing,
            "cells": cells,
            "can_decide": can_review(request.user, filing) and not filing.is_read_only,
        },
    )


@require_GET
def ocr_crop(request: HtmxHttpRequest, pk: int, cell_id: int) -> FileResponse:
    """The image of one OCR'd value on its page (cut once, then cached)."""
    filing = selectors.visible_filing(request.user, pk)
    cell = selectors.ocr_cell_of(filing=filing, cell_id=cell_id)
    if cell.page is None or not cell.bbox:
        raise Http404("没有该数字的位置")
    try:
        path = region_crop(cell.table.document, cell.page, cell.bbox, margin=VALUE_MARGIN)
    except (FileNotFoundError, IndexError, ValueError) as exc:
        raise Http404("页面不存在") from exc
    return FileResponse(path.open("rb"), content_type="image/png")


@require_POST
def ocr_decide(request: HtmxHttpRequest, pk: int, cell_id: int, action: str) -> HttpResponse:
    filing = selectors.visible_filing(request.user, pk)
    cell = selectors.ocr_cell_of(filing=filing, cell_id=cell_id)
    if action == "confirm":
        return _act(
            request, pk, lambda: services.ocr_cell_confirm(cell=cell, user=request.user), "已确认识别结果。"
        )
    if action == "correct":
        value = request.POST.get("value", "")
        return _act(
            request,
            pk,
            lambda: services.ocr_cell_correct(cell=cell, value=value, user=request.user),
            "已更正，并已重新检查。",
        )
    raise Http404
