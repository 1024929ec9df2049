"""Reads of the review app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from budget_filing.kinds import STAGE_LABELS
from budget_filing.units import known_unit
from filings.models import Department, Document, Filing, OcrCell, ParsedTable
from filings.selectors import filing_documents

from .access import filings_visible_to
from .diff import field_label
from .models import ANOMALY_CLASS_LABELS, Decision, Finding, Flag, Severity, SignOff
from .rules import ANOMALY_SCHEMA

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def filing_anomalies(filing: Filing) -> dict[str, Any]:
    """The stored findings as ``budget-anomalies/1``: one anomaly per (class, table, key)."""
    anomalies: dict[tuple[str, str, str], dict[str, Any]] = {}
    for finding in filing.findings.order_by("id"):
        entry = anomalies.setdefault(
            (finding.anomaly_class, finding.table_kind, finding.key),
            {
                "class": finding.anomaly_class,
                "table": finding.table_kind,
                "key": finding.key,
                "severity": finding.severity,
                "details": [],
            },
        )
        if SEVERITY_RANK[finding.severity] > SEVERITY_RANK[entry["severity"]]:
            entry["severity"] = finding.severity
        detail = finding.detail or finding.message
        if detail not in entry["details"]:
            entry["details"].append(detail)
    return {
        "schema": ANOMALY_SCHEMA,
        "anomalies": [
            {k: v for k, v in a.items() if k != "details"} | {"detail": "; ".join(a["details"])}
            for a in anomalies.values()
        ],
    }


def dashboard_filings(user: Any) -> QuerySet[Filing]:
    """The filings a user may see, with open findings by severity and open flags counted in SQL."""
    open_findings = Q(findings__decision=Decision.OPEN)
    return (
        filings_visible_to(user)
        .select_related("department", "reviewer")
        .annotate(
            open_errors=Count(
                "findings", filter=open_findings & Q(findings__severity=Severity.ERROR), distinct=True
            ),
            open_warnings=Count(
                "findings", filter=open_findings & Q(findings__severity=Severity.WARNING), distinct=True
            ),
            open_infos=Count(
                "findings", filter=open_findings & Q(findings__severity=Severity.INFO), distinct=True
            ),
            open_flags=Count("flags", filter=Q(flags__decision=Decision.OPEN), distinct=True),
            # subqueries, not joins: a scan's hundreds of OCR'd values must not multiply the counts
            scanned=Exists(OcrCell.objects.filter(table__filing=OuterRef("pk"))),
            ocr_doubtful=Coalesce(Subquery(_doubtful_count()), 0),
        )
    )


def _doubtful_count() -> QuerySet[Any]:
    return (
        OcrCell.objects.filter(table__filing=OuterRef("pk"), status=OcrCell.Status.DOUBTFUL)
        .order_by()
        .values("table__filing")
        .annotate(n=Count("pk"))
        .values("n")
    )


def visible_filing(user: Any, pk: int) -> Filing:
    """The filing, with the id and number of its newest later version (``newer_id``, ``newer_version``)
    read in the same query, so a superseded version announces the newer one at no cost."""
    later = Filing.objects.filter(
        department=OuterRef("department"),
        year=OuterRef("year"),
        stage=OuterRef("stage"),
        version__gt=OuterRef("version"),
    ).order_by("-version")
    return get_object_or_404(
        filings_visible_to(user)
        .select_related("department", "reviewer")
        .annotate(
            newer_id=Subquery(later.values("pk")[:1]), newer_version=Subquery(later.values("version")[:1])
        ),
        pk=pk,
    )


def filing_table_list(filing: Filing) -> list[ParsedTable]:
    return list(
        filing.tables.order_by("document__uploaded_at", "document_id", "position").select_related("target")
    )


def grid_rows_prefetched(*, tables: list[ParsedTable]) -> list[ParsedTable]:
    """The grids with their rows and cells: two queries, however many grids and rows."""
    prefetch_related_objects(tables, "grid_rows__cells")
    return tables


UNREAD_WHAT = {"table": "表格", "figures": "数字"}


@dataclass
class Coverage:
    """What was read of a filing, and what was not, as far as its documents recorded it."""

    tables: int
    unread: list[dict[str, Any]] = field(default_factory=list)  # regions no parsed table covers
    blank_pages: list[dict[str, Any]] = field(default_factory=list)  # pages without a text layer
    unknown: list[str] = field(default_factory=list)  # documents parsed before coverage was recorded
    scanned: list[dict[str, Any]] = field(default_factory=list)  # pages read by OCR
    doubtful: int = 0  # OCR'd values still 待核对
    several_documents: bool = False

    @property
    def complete(self) -> bool:
        return not (self.unread or self.blank_pages or self.unknown)


def filing_coverage(*, filing: Filing, tables: int) -> Coverage:
    """The filing's read tables and its documents' unread regions, in one query.

    A document whose coverage is empty was parsed before it was recorded: that is unknown,
    and a filing without documents is unknown too; neither may look completely read.
    """
    documents = list(
        filing_documents(filing)
        .order_by("uploaded_at", "id")
        .only(
            "id",
            "filing_id",
            "original_filename",
            "coverage",
            "pages_without_text",
            "pages_blank",
            "pages_scanned",
        )
    )
    coverage = Coverage(tables=tables, several_documents=len(documents) > 1)
    if not documents:
        coverage.unknown.append("（无原文件记录）")
    for document in documents:
        recorded = document.coverage or {}
        if not isinstance(recorded.get("unread"), list):
            coverage.unknown.append(document.original_filename)
        for index, region in enumerate(recorded.get("unread") or []):
            what = region.get("what")
            coverage.unread.append(
                {
                    "document": document,
                    "index": index,
                    "page": region.get("page"),
                    "what": UNREAD_WHAT.get(what, what or "内容"),
                    "text": region.get("text") or "",
                }
            )
        # a page with nothing printed on it is neither read nor unread
        unreadable = [p for p in document.pages_without_text or [] if p not in (document.pages_blank or [])]
        if unreadable:
            coverage.blank_pages.append({"document": document, "pages": unreadable})
        if document.pages_scanned:
            coverage.scanned.append({"document": document, "pages": document.pages_scanned})
    if coverage.scanned:
        coverage.doubtful = OcrCell.objects.filter(
            table__filing=filing, status=OcrCell.Status.DOUBTFUL
        ).count()
    return coverage


def unread_region(*, filing: Filing, document_id: int, index: int) -> tuple[Document, dict[str, Any]]:
    """One unread region of one of the filing's documents; 404 when there is none."""
    document = get_object_or_404(filing_documents(filing), pk=document_id)
    unread = (document.coverage or {}).get("unread") or []
    if not 0 <= index < len(unread) or not isinstance(unread[index], dict):
        raise Http404("没有这个未读取区域")
    return document, unread[index]


def table_findings(filing: Filing) -> dict[int | None, list[Finding]]:
    by_table: dict[int | None, list[Finding]] = {}
    for finding in filing.findings.all():
        by_table.setdefault(finding.table_id, []).append(finding)
    return by_table


def previous_year_filing(filing: Filing) -> Filing | None:
    return (
        Filing.objects.filter(department=filing.department_id, year=filing.year - 1)
        .exclude(tables=None)
        .order_by("-stage", "-version")
        .first()
    )


def _flag_concerns(title: str | None, row_label: str, note: str) -> str:
    where = title or "（表已删除）"
    if row_label:
        where += f" › {row_label}"
    return f"标记“{note[:60]}”（{where}）"


def _finding_concerns(record: Any) -> str:
    label = ANOMALY_CLASS_LABELS.get(record.anomaly_class, record.anomaly_class)
    return f"异常〔{label}〕{record.key}：{record.message}"


# a filing's facts as its history rows hold them, and how the record names them
FILING_FACTS = (("year", "年度"), ("stage", "阶段"), ("version", "版本"))


def _fact_text(record: Any, name: str) -> str:
    if name == "stage":
        return str(record.get_stage_display())
    if name == "version":
        return f"第 {record.version} 版"
    return str(getattr(record, name))


def _filing_change(record: Any, before: Any, departments: dict[int, str]) -> list[str]:
    """What one history row of a filing changed against the row before it, in words."""
    if before is None:
        version = f"第 {record.version} 版"
        first = f"新版本 {version}" if record.previous_id else f"创建 {version}"
        return [first, f"状态：{record.get_status_display()}"]
    changes = []
    if record.department_id != before.department_id:
        old, new = departments.get(before.department_id), departments.get(record.department_id)
        changes.append(f"部门：{old or '（已删除）'} → {new or '（已删除）'}")
    for name, label in FILING_FACTS:
        if getattr(record, name) != getattr(before, name):
            changes.append(f"{label}：{_fact_text(before, name)} → {_fact_text(record, name)}")
    if record.status != before.status:
        changes.append(f"状态：{record.get_status_display()}")
    return changes


def filing_timeline(*, filing: Filing, findings: list[Finding] | None = None) -> list[dict[str, Any]]:
    """Everything that happened to a filing, newest first: when, who, what it concerns, what, a link.

    The filing's state changes (its history rows: a new version, a status, a corrected fact,
    with the recorded reason), its documents' uploads and the facts given for them by hand, a
    newer version made from it, the sign-off with an override's reason, each decision on a
    finding or a flag with its reason, each flag and each comment with the finding or flag it
    is about, linked to it on the 异常 tab. Six queries however long the record is (one less
    when the page has read the findings already, ``findings``), one for a sign-off and one
    for the departments' names once a department was corrected.
    """
    events: list[dict[str, Any]] = []

    def add(at: Any, who: Any, what: str, detail: str, link: str = "") -> None:
        events.append(
            {"at": at, "who": who, "what": what, "detail": detail, "link": link, "order": len(events)}
        )

    # the filing's own rows, and the first row of a version made from it, in one query
    rows = list(
        Filing.history.filter(Q(id=filing.pk) | Q(previous_id=filing.pk, history_type="+"))
        .select_related("history_user", "reviewer")
        .order_by("history_date", "history_id")
    )
    records = [r for r in rows if r.id == filing.pk]
    later = [r for r in rows if r.id != filing.pk]
    # Names only when a department changed; not a join: a department only a misreading made
    # is deleted once corrected.
    ids = {r.department_id for r in records}
    departments = (
        dict(Department.objects.filter(pk__in=ids).values_list("pk", "name")) if len(ids) > 1 else {}
    )
    previous_record = None
    for record in records:
        signing = record.status == Filing.Status.SIGNED_OFF and (
            previous_record is not None and previous_record.status != Filing.Status.SIGNED_OFF
        )
        if signing and filing.is_read_only and len(_filing_change(record, previous_record, {})) == 1:
            previous_record = record  # the sign-off's own entry below says it all, with its reason
            continue
        changes = _filing_change(record, previous_record, departments)
        if record.reviewer_id is not None and (
            previous_record is None or record.reviewer_id != previous_record.reviewer_id
        ):
            name = record.reviewer.get_username() if record.reviewer is not None else record.reviewer_id
            changes.append(f"审核人：{name}")
        previous_record = record
        detail = " · ".join(changes)
        if record.history_change_reason:
            detail = f"{detail}（{record.history_change_reason}）" if detail else record.history_change_reason
        link = ""
        if record.history_type == "+" and record.previous_id:
            link = reverse("review:filing", args=[record.previous_id])  # the version it follows
        add(
            record.history_date,
            record.history_user,
            f"预算文件 第 {record.version} 版",
            detail or "保存",
            link,
        )

    for document in filing_documents(filing).select_related("uploaded_by", "details_given_by"):
        what = f"文件《{document.original_filename}》"
        add(document.uploaded_at, document.uploaded_by, what, "上传")
        given = [
            f"{label}：{value}"
            for label, value in (
                ("部门", document.given_department),
                ("年度", document.given_year),
                ("阶段", STAGE_LABELS.get(document.given_stage or "", document.given_stage)),
            )
            if value
        ]
        # a corrected department is in the filing's own history, with who corrected it
        if document.details_given_at and given and not document.department_corrected:
            add(document.details_given_at, document.details_given_by, what, "补充信息：" + "、".join(given))

    for record in later:
        detail = f"新版本 第 {record.version} 版"
        if record.history_change_reason:
            detail += f"（{record.history_change_reason}）"
        add(
            record.history_date,
            record.history_user,
            "预算文件",
            detail,
            reverse("review:filing", args=[record.id]),
        )

    sign_off = None
    if filing.is_read_only:  # only a signed filing has a sign-off (the admin cannot change that)
        sign_off = SignOff.objects.filter(filing=filing).select_related("signed_by").first()
        filing.sign_off = sign_off  # the page head shows it too: one query for both
    if sign_off is not None:
        detail = f"签批 · 涵盖 {len(sign_off.document_sha256)} 个文件"
        if sign_off.open_errors or sign_off.override_reason:
            detail += f" · 越过 {sign_off.open_errors} 项未处理的错误，理由：{sign_off.override_reason}"
        add(sign_off.signed_at, sign_off.signed_by, f"预算文件 第 {filing.version} 版", detail)

    # every item, decided ones too (the tab shows the open ones unless asked for all)
    tab = reverse("review:filing", args=[filing.pk]) + "?tab=findings&status=all"
    if findings is None:
        findings = list(filing.findings.only("place", "key", "message", "anomaly_class"))
    concerning = {f.place: (_finding_concerns(f), f"{tab}#finding-{f.pk}") for f in findings}
    decisions = Finding.history.filter(filing_id=filing.pk, history_type="~").select_related("history_user")
    for record in decisions:
        # a finding no longer found keeps its name, and has nothing to link to
        concerns, link = concerning.setdefault(record.place, (_finding_concerns(record), ""))
        add(record.history_date, record.history_user, concerns, _decision_text(record), link)

    flags: dict[int, tuple[str, str]] = {}
    for record in (
        Flag.history.filter(filing_id=filing.pk)
        .select_related("history_user", "table")
        .order_by("history_date", "history_id")
    ):
        # the title kept on the flag names a table a re-parse no longer reads
        title = record.table.title if record.table is not None else record.table_title
        link = "" if record.history_type == "-" else f"{tab}#flag-{record.id}"
        concerns = _flag_concerns(title, record.row_label, record.note)
        flags[record.id] = (concerns, link)
        if record.history_type == "+":
            detail = "添加标记"
        elif record.history_type == "-":
            detail = "标记被删除"
        else:
            detail = _decision_text(record)
        add(record.history_date, record.history_user, concerns, detail, link)

    checked = reverse("review:doubtful", args=[filing.pk])  # the 待核对 page lists what was checked
    for record in (
        OcrCell.history.filter(table__filing=filing, history_type="~", status__in=OCR_DECIDED)
        .select_related("history_user", "table")
        .order_by("history_date", "history_id")
    ):
        detail = f"{record.get_status_display()}：{record.history_change_reason or record.text}"
        add(record.history_date, record.history_user, ocr_cell_label(record), detail, checked)

    for comment in filing.comments.select_related("author"):
        kind, _, key = comment.thread.partition(":")
        if kind == "finding":
            concerns, link = concerning.get(key, ("异常（已不存在）", ""))
        elif kind == "flag" and key.isdigit():
            concerns, link = flags.get(int(key), ("标记（已不存在）", ""))
        else:
            concerns, link = "预算文件", ""
        add(comment.created_at, comment.author, concerns, f"评论：{comment.body}", link)
    return sorted(events, key=lambda e: (e["at"], e["order"]), reverse=True)


OCR_DECIDED = (OcrCell.Status.CONFIRMED, OcrCell.Status.CORRECTED)


def ocr_cell_label(cell: Any, row_label: str = "") -> str:
    """An OCR'd value named for people: its table, row and cell."""
    row = row_label or ("" if cell.row_position is None else f"第 {cell.row_position + 1} 行")
    return " › ".join(filter(None, [f"扫描识别 {cell.table.title}", row, field_label(cell.field)]))


def _decision_text(record: Any) -> str:
    text = str(record.get_decision_display())
    if record.decision == Decision.OPEN:
        text = "重新打开"
    return f"{text}：{record.reason}" if record.reason else text


def doubtful_cells_by_table(*, filing: Filing) -> dict[int, list[tuple[int | None, str]]]:
    """The (row, field) of each OCR'd value still 待核对, by table: one query for the whole page."""
    cells: dict[int, list[tuple[int | None, str]]] = {}
    for table_id, row, field_name in OcrCell.objects.filter(
        table__filing=filing, status=OcrCell.Status.DOUBTFUL
    ).values_list("table_id", "row_position", "field"):
        cells.setdefault(table_id, []).append((row, field_name))
    return cells


def _row_labels(tables: list[ParsedTable]) -> dict[tuple[int, int], str]:
    labels: dict[tuple[int, int], str] = {}
    for table in tables:
        related = {
            "income_expense_summary": "summary_lines",
            "functional_expenditure": "functional_lines",
            "project_expenditure": "project_lines",
            "transfer_payment": "project_lines",
            "grid": "grid_rows",
        }.get(table.kind)
        if related is not None:
            rows = list(getattr(table, related).all())
        else:
            target = getattr(table, "target", None)
            rows = list(target.indicators.all()) if target is not None else []
        for row in rows:
            labels[(table.pk, row.position)] = str(row)[:80]
    return labels


def filing_ocr_cells(*, filing: Filing) -> dict[str, list[OcrCell]]:
    """The filing's OCR'd values a reviewer looks at: those 待核对, and those already checked.

    Each carries ``label`` (table, row, cell) and ``document_id`` for its page crop; a fixed
    number of queries however many there are.
    """
    from filings.interchange import filing_tables

    cells = list(
        OcrCell.objects.filter(table__filing=filing)
        .exclude(status=OcrCell.Status.TRUSTED)
        .select_related("table", "decided_by")
        .order_by("table__document__uploaded_at", "table__position", "row_position", "pk")
    )
    labels = _row_labels(filing_tables(filing)) if cells else {}
    for cell in cells:
        row = labels.get((cell.table_id, cell.row_position), "") if cell.row_position is not None else ""
        cell.label = ocr_cell_label(cell, row)  # type: ignore[attr-defined]
        cell.unit = known_unit(cell.table.unit)  # type: ignore[attr-defined]  # a correction's unit
    return {
        "doubtful": [c for c in cells if c.status == OcrCell.Status.DOUBTFUL],
        "checked": [c for c in cells if c.status != OcrCell.Status.DOUBTFUL],
    }


def ocr_cell_of(*, filing: Filing, cell_id: int) -> OcrCell:
    """One OCR'd value of the filing's tables, with its table and document; 404 when not the filing's."""
    return get_object_or_404(
        OcrCell.objects.select_related("table__document"), pk=cell_id, table__filing=filing
    )
