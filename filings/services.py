"""Writes on filings and documents: upload, queueing, parsing outcome, facts given by hand, the sweeper."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from budget_filing.kinds import GRID, STAGES
from budget_filing.text import squash
from budget_filing.units import known_unit, to_yuan

from . import interchange, parsing, roles
from .models import (
    Department,
    Document,
    Filing,
    FunctionalLine,
    GridCell,
    GridRow,
    Indicator,
    OcrCell,
    ParsedTable,
    PerformanceTarget,
    ProjectLine,
    SummaryLine,
    document_storage_path,
)
from .models.tables import FUND_PARTS, TableKind
from .parsing import ParseError, parse_pdf
from .parsing.version import PARSER_VERSION
from .selectors import FACT_LABELS, document_facts_editable_by, facts_missing, filing_facts_editable_by
from .signals import filing_parsed, tables_replacing
from .uploads import Candidate, human_size

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class UploadOutcome:
    filename: str
    document: Document | None
    created: bool
    error: str = ""


PARSE_TASK = "filings.tasks.parse_document"
# A scan is read by OCR on a queue of its own (config/celery.py), so that a text PDF never
# waits behind one; the parse task sends a document there once it finds scanned pages.
OCR_TASK = "filings.tasks.ocr_document"


def _enqueue_parse(document_id: int, task: str = PARSE_TASK) -> None:
    # Sent by name so this module needs no Celery import; a broker that is down only
    # delays the work: the document stays `queued` and the sweeper sends it again.
    from config.celery import app

    try:
        app.send_task(task, args=[document_id])
    except Exception:
        logger.warning("could not queue document %s; the sweeper will retry", document_id, exc_info=True)


def document_enqueue(*, document: Document) -> None:
    """Queue the document for parsing once the current transaction commits.

    A document already known to be a scan goes straight to the OCR queue.
    """
    task = OCR_TASK if document.pages_scanned else PARSE_TASK
    transaction.on_commit(lambda: _enqueue_parse(document.pk, task), robust=True)


def _store_whole(path: str, content: bytes, sha256: str) -> None:
    """Put the bytes at ``path`` whole: never a half-written file a worker could parse.

    FileSystemStorage writes in place, so a concurrent upload of the same bytes could find
    the file already there mid-write and queue it. Writing under a temporary name and
    renaming is atomic; a file found there is kept only when its hash is right.
    """
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as existing:
            if hashlib.sha256(existing.read()).hexdigest() == sha256:
                return
    temporary = default_storage.save(f"{path}.{uuid.uuid4().hex}.part", ContentFile(content))
    os.replace(default_storage.path(temporary), default_storage.path(path))


def _stored_bytes(**filters: Any) -> int:
    return Document.objects.filter(**filters).aggregate(total=Sum("size"))["total"] or 0


def _over_quota(size: int, uploaded_by: Any) -> str:
    """Why storing ``size`` more bytes would pass a quota, or ''. (A known hash costs nothing.)

    Two uploads at the same instant may both pass the last few bytes of a quota; it bounds
    the disk, it is not an accounting.
    """
    total = settings.UPLOAD_QUOTA_TOTAL_BYTES
    if _stored_bytes() + size > total:
        return f"存储空间已达上限 {human_size(total)}，文件未保存，请联系管理员。"
    if getattr(uploaded_by, "pk", None):
        quota = settings.UPLOAD_QUOTA_PER_USER_BYTES
        used = _stored_bytes(uploaded_by=uploaded_by)
        if used + size > quota:
            return (
                f"您已上传的文件共 {human_size(used)}，再存此文件将超过每个用户 {human_size(quota)} 的上限，"
                "未保存，请联系管理员。"
            )
    return ""


def document_upload(*, candidate: Candidate, uploaded_by: Any) -> UploadOutcome:
    """Store one candidate file by its content hash and queue it; a known hash is not stored again."""
    if candidate.error or candidate.content is None:
        return UploadOutcome(candidate.filename, None, False, candidate.error)
    content = candidate.content
    sha256 = hashlib.sha256(content).hexdigest()
    existing = Document.objects.filter(sha256=sha256).first()
    if existing is not None:
        return UploadOutcome(candidate.filename, existing, False)
    if refusal := _over_quota(len(content), uploaded_by):
        return UploadOutcome(candidate.filename, None, False, refusal)
    path = document_storage_path(sha256)
    _store_whole(path, content, sha256)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                original_filename=candidate.filename,
                sha256=sha256,
                size=len(content),
                content_type="application/pdf",
                file=path,
                uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
                queued_at=timezone.now(),
            )
            document_enqueue(document=document)
    except IntegrityError:
        return UploadOutcome(candidate.filename, Document.objects.get(sha256=sha256), False)
    return UploadOutcome(candidate.filename, document, True)


def document_requeue(*, document: Document) -> None:
    """Send a document to the worker again (admin action, sweeper), clearing the last error.

    Safe for a document of a signed filing: its parse goes into a new version (``_filing_for``).
    """
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(
            status=Document.Status.QUEUED, error="", task_id="", queued_at=timezone.now()
        )
        document_enqueue(document=document)


def document_claim(*, document_id: int, task_id: str) -> bool:
    """Take a document for one task; two workers never both win. A retry of the same task may."""
    return bool(
        Document.objects.filter(pk=document_id)
        .filter(Q(status=Document.Status.QUEUED) | Q(status=Document.Status.PARSING, task_id=task_id))
        .update(
            status=Document.Status.PARSING,
            task_id=task_id,
            attempts=F("attempts") + 1,
            parse_started_at=timezone.now(),
            pages_done=None,
            pages_total=None,
        )
    )


def document_hand_to_ocr(*, document_id: int, task_id: str, pages: list[int]) -> bool:
    """Give a claimed document back to the queue as a scan, for the OCR worker to take.

    Conditional on still holding it, as a claim is; the hand-over is not counted as an attempt.
    """
    with transaction.atomic():
        moved = bool(
            Document.objects.filter(pk=document_id, status=Document.Status.PARSING, task_id=task_id).update(
                status=Document.Status.QUEUED,
                task_id="",
                attempts=F("attempts") - 1,
                queued_at=timezone.now(),
                pages_scanned=pages,
            )
        )
        if moved:
            transaction.on_commit(lambda: _enqueue_parse(document_id, OCR_TASK), robust=True)
    return moved


def scanned_pages(path: str) -> list[int]:
    """The pages of a PDF that are scans (images with no text layer); [] before the parser can tell."""
    check = getattr(parsing, "scanned_pages", None)
    return sorted(check(path)) if check is not None else []


def _progress_recorder(document_id: int) -> Any:
    """``progress(done, total)`` for the parser: stored at most twice a second, and on the last page."""
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.5:
            return
        last[0] = now
        Document.objects.filter(pk=document_id, status=Document.Status.PARSING).update(
            pages_done=done, pages_total=total
        )

    return progress


def _parse_file(path: str, *, ocr: bool, progress: Any) -> dict[str, Any]:
    return parse_pdf(path, ocr=ocr, progress=progress)


def document_fail(*, document_id: int, error: str) -> None:
    Document.objects.filter(pk=document_id).update(
        status=Document.Status.FAILED, error=error, parse_finished_at=timezone.now()
    )


def document_parse(*, document_id: int, task_id: str, ocr: bool = False) -> Document | None:
    """Parse a claimed document and store what was read; returns None when it was not ours.

    The parse runs outside any transaction; its rows are then written in one atomic block.
    Without ``ocr`` (the parse queue) a document with scanned pages is handed to the OCR
    queue instead, its status back to ``queued``.
    """
    if not document_claim(document_id=document_id, task_id=task_id):
        return None
    document = Document.objects.get(pk=document_id)
    started = time.monotonic()
    try:
        if not ocr and (pages := scanned_pages(document.file.path)):
            document_hand_to_ocr(document_id=document_id, task_id=task_id, pages=pages)
            document.refresh_from_db()
            return document
        parsed = _parse_file(document.file.path, ocr=ocr, progress=_progress_recorder(document_id))
    except FileNotFoundError:
        document_fail(document_id=document_id, error="存储中找不到该文件，请重新上传。")
        return document
    except ParseError as exc:
        document_fail(document_id=document_id, error=str(exc))
        return document
    return document_store_parse(document=document, parsed=parsed, seconds=time.monotonic() - started)


def _pages_text(pages: list[int]) -> str:
    shown = "、".join(str(p) for p in pages[:20])
    return shown + (f" 等 {len(pages)} 页" if len(pages) > 20 else "")


def _facts_text(facts: list[str]) -> str:
    return "、".join(FACT_LABELS[fact] for fact in facts)


def _unreadable(parsed: dict[str, Any]) -> list[int]:
    """Pages nothing could be read from, even by OCR; a page with nothing printed is not one."""
    blank = set(parsed.get("pages_blank") or [])
    return [page for page in parsed.get("pages_without_text") or [] if page not in blank]


def _outcome(parsed: dict[str, Any]) -> tuple[str, str]:
    blank = _unreadable(parsed)
    page_count = parsed.get("page_count") or 0
    # With OCR run, a page left unread is an image it could not read; without, one it never tried.
    ocr = bool(parsed.get("ocr_engine"))
    unread = "的扫描图像未能识别出文字" if ocr else "没有文字层"
    note = f"第 {_pages_text(blank)} 页{unread}，未能读取。" if blank else ""
    if parsed.get("tables") and (missing := facts_missing(parsed)):
        # Kept, not failed: the tables are good, only a fact to file them under is lacking.
        names = _facts_text(missing)
        return (
            Document.Status.NEEDS_DETAILS,
            f"识别出了 {len(parsed['tables'])} 张预算表，但无法从文件中读出{names}；"
            f"请补充{names}后即可生成预算文件。{note}",
        )
    if parsed.get("tables"):
        return Document.Status.PARSED, note
    if blank and ocr:
        return (
            Document.Status.NEEDS_OCR,
            f"第 {_pages_text(blank)} 页是扫描图像，OCR 未能从中识别出文字；"
            "请上传更清晰的扫描件或文字版 PDF。",
        )
    if blank:
        return (
            Document.Status.NEEDS_OCR,
            f"PDF 没有文字层（可能是扫描件），第 {_pages_text(blank)} 页需要先做 OCR 识别。",
        )
    if page_count and len(parsed.get("pages_blank") or []) >= page_count:
        return Document.Status.FAILED, f"文件共 {page_count} 页，都是空白页，没有可读取的内容。"
    return (
        Document.Status.FAILED,
        f"在 {page_count} 页中没有识别出任何已知的预算表（收支总体情况表、功能分类支出表、项目支出表、"
        "绩效目标表、转移支付表），请确认上传的是部门预算批复文件。",
    )


def _table_key(kind: str, project: str | None, title: str | None) -> tuple[str, str]:
    """What makes two tables the same table of a filing: a project's target table by its
    project, a grid by its title (a package has many grids), any other kind by its kind."""
    if kind == GRID:
        return kind, title or ""
    return kind, project or ""


def _table_keys(tables: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {_table_key(t["kind"], t.get("project"), t.get("title")) for t in tables}


def _table_places(tables: Any) -> dict[int, str]:
    """Each table's place in its document: its key, and which one of that key it is.

    The place survives a re-parse that reads the same table again, whatever its new id.
    """
    seen: dict[tuple[str, str], int] = {}
    places = {}
    for pk, kind, project, title in tables.order_by("position").values_list(
        "pk", "kind", "target__project", "title"
    ):
        key = _table_key(kind, project, title)
        seen[key] = seen.get(key, 0) + 1
        places[pk] = f"{key[0]}|{key[1]}|{seen[key]}"
    return places


def _locked_current(document: Document) -> Filing | None:
    """The document's filing, read again and locked.

    Read again because a parse of another document of the filing may just have carried this
    one into a new version; locked because a sign-off holds this lock while it checks.
    """
    filing_id = Document.objects.filter(pk=document.pk).values_list("filing_id", flat=True).first()
    return Filing.objects.select_for_update().filter(pk=filing_id).first() if filing_id else None


def department_get_or_create(*, name: str) -> Department:
    """The department of that name; a new one gets the reviewers settings.DEFAULT_REVIEWERS names."""
    department, created = Department.objects.get_or_create(name=name)
    if created and settings.DEFAULT_REVIEWERS:
        User = get_user_model()
        department.reviewers.add(
            *User.objects.filter(username__in=settings.DEFAULT_REVIEWERS, groups__name=roles.REVIEWERS)
        )
    return department


def _filing_for(document: Document, parsed: dict[str, Any]) -> Filing | None:
    """The filing this document's tables go into; None when they may go nowhere.

    A document joins the latest version of its department/year/stage, so a filing may arrive
    as one PDF per table. It starts a new version instead when that one is signed off, or when
    it already holds the same tables from another document (a corrected re-submission); the
    new version carries forward every table of the latest one the document does not replace.
    A signed version is never written to: a re-parse of its documents starts the next version,
    and a document left only in a signed version that a newer one superseded stays as signed.

    The department is locked (version numbering), then the filing rows read: a sign-off takes
    the filing's lock too, so either it sees this document or this document sees it signed.
    """
    department = department_get_or_create(name=parsed["department"])
    Department.objects.select_for_update().get(pk=department.pk)
    year, stage = parsed["year"], parsed["stage"]
    current = _locked_current(document)
    latest = (
        Filing.objects.select_for_update()
        .filter(department=department, year=year, stage=stage)
        .order_by("-version")
        .first()
    )
    if current and (current.department_id, current.year, current.stage) == (department.pk, year, stage):
        if not current.is_read_only:
            return current
        if latest is not None and latest.pk != current.pk:
            return None
    keys = _table_keys(parsed["tables"])
    if latest is not None and not latest.is_read_only:
        held = {
            _table_key(kind, project, title)
            for kind, project, title in latest.tables.values_list("kind", "target__project", "title")
        }
        if not held & keys:
            return latest
    filing = Filing(
        department=department,
        year=year,
        stage=stage,
        version=latest.version + 1 if latest else 1,
        previous=latest,
        status=Filing.Status.REOPENED if latest else Filing.Status.PARSED,
    )
    if latest is None:
        reason = ""
    elif latest.is_read_only and current is not None and current.pk == latest.pk:
        reason = f"第 {latest.version} 版已签批，重新解析《{document.original_filename}》生成新版本"
    elif latest.is_read_only:
        reason = f"第 {latest.version} 版已签批，《{document.original_filename}》归入新版本"
    else:
        reason = f"《{document.original_filename}》更正第 {latest.version} 版中的表，生成新版本"
    _save_with_history(filing, None, reason)
    if latest is not None:
        _carry_forward(source=latest, filing=filing, document=document, keys=keys)
    return filing


def _carry_forward(*, source: Filing, filing: Filing, document: Document, keys: set[tuple[str, str]]) -> None:
    """Copy into the new version every table of ``source`` that ``document`` does not replace.

    A corrected re-upload of one PDF of a multi-PDF filing must not drop the others: their
    tables come along (copied: ``source`` keeps its own), and those documents now belong here.
    """
    carried = [
        (pk, document_id)
        for pk, document_id, kind, project, title in source.tables.values_list(
            "pk", "document_id", "kind", "target__project", "title"
        )
        if document_id != document.pk and _table_key(kind, project, title) not in keys
    ]
    _copy_tables(table_ids=[pk for pk, _ in carried], filing=filing)
    Document.objects.filter(pk__in={document_id for _, document_id in carried}).update(filing=filing)


def _copy_tables(*, table_ids: list[int], filing: Filing) -> None:
    """Copy tables with every row into ``filing``; the originals are not touched."""

    def cloned(rows: list[Any], **fields: Any) -> list[Any]:
        for row in rows:
            row.pk = None
            for name, value in fields.items():
                setattr(row, name, value)
        return rows

    for table in ParsedTable.objects.filter(pk__in=table_ids).order_by("pk"):
        summary = list(table.summary_lines.all())
        projects = list(table.project_lines.all())
        functional = list(table.functional_lines.order_by("pk"))
        rows = list(table.grid_rows.order_by("pk"))
        cells: dict[int, list[GridCell]] = {}
        for cell in GridCell.objects.filter(row__table=table).order_by("pk"):
            cells.setdefault(cell.row_id, []).append(cell)
        target = PerformanceTarget.objects.filter(table=table).first()
        indicators = list(target.indicators.all()) if target else []
        # What reviewers checked of a scan comes along: the rows copied hold their corrections.
        ocr_cells = list(table.ocr_cells.order_by("pk"))

        table.pk = None
        table.filing = filing
        table.save()
        SummaryLine.objects.bulk_create(cloned(summary, table=table))
        ProjectLine.objects.bulk_create(cloned(projects, table=table))
        # A functional line's parent is a line of the same table: point it at the copy.
        old_ids = [line.pk for line in functional]
        parents = [line.parent_id for line in functional]
        FunctionalLine.objects.bulk_create(cloned(functional, table=table, parent=None))
        copies = dict(zip(old_ids, functional, strict=True))
        for line, parent in zip(functional, parents, strict=True):
            line.parent = copies.get(parent) if parent else None
        FunctionalLine.objects.bulk_update(functional, ["parent"])
        old_rows = [row.pk for row in rows]
        GridRow.objects.bulk_create(cloned(rows, table=table))
        GridCell.objects.bulk_create(
            [
                cell
                for old, row in zip(old_rows, rows, strict=True)
                for cell in cloned(cells.get(old, []), row=row)
            ],
            batch_size=5000,
        )
        if target is not None:
            cloned([target], table=table)[0].save()
            Indicator.objects.bulk_create(cloned(indicators, target=target))
        OcrCell.objects.bulk_create(cloned(ocr_cells, table=table))


def _with_given_facts(document: Document, parsed: dict[str, Any]) -> dict[str, Any]:
    """``parsed`` with the facts given by hand where the parser could not read them.

    A corrected department replaces the one read, which was wrong.
    """
    given = {
        "department": document.given_department,
        "year": document.given_year,
        "stage": document.given_stage,
    }
    lacking = set(facts_missing(parsed))
    if document.department_corrected:
        lacking.add("department")
    filled = {fact: given[fact] for fact in lacking if given[fact]}
    return {**parsed, **filled} if filled else parsed


def _drop_tables(*, filing: Filing, document: Document) -> list[Any]:
    """Delete the document's tables in ``filing`` (never a signed one) to store them again.

    Returns what the receivers of ``tables_replacing`` want called with the new tables' places.
    """
    tables = ParsedTable.objects.filter(filing=filing, document=document)
    places = _table_places(tables)
    if not places:
        return []
    responses = tables_replacing.send(sender=Filing, filing=filing, document=document, places=places)
    tables.delete()
    return [response for _, response in responses if callable(response)]


def _checked_values(*, filing: Filing, document: Document) -> list[tuple[str, OcrCell]]:
    """The OCR'd values of the document's tables in ``filing`` a reviewer confirmed or corrected,
    with their table's place, before a re-parse deletes them."""
    tables = ParsedTable.objects.filter(filing=filing, document=document)
    cells = list(
        OcrCell.objects.filter(
            table__in=tables, status__in=[OcrCell.Status.CONFIRMED, OcrCell.Status.CORRECTED]
        )
    )
    if not cells:
        return []
    places = _table_places(tables)
    return [(places[cell.table_id], cell) for cell in cells]


def _checks_follow(checked: list[tuple[str, OcrCell]], places: dict[str, int]) -> None:
    """A re-parse that reads a value as it read it before keeps the reviewer's check of it, and a
    correction is written into the new row again; a value read differently waits for a new check."""
    for place, old in checked:
        table_id = places.get(place)
        new = OcrCell.objects.filter(
            table_id=table_id, row_position=old.row_position, field=old.field, text=old.text
        ).first()
        if table_id is None or new is None:
            continue
        if old.status == OcrCell.Status.CORRECTED:
            try:
                ocr_cell_write(cell=new, value=old.corrected)
            except CellRefused:
                continue
        OcrCell.objects.filter(pk=new.pk).update(
            status=old.status,
            corrected=old.corrected,
            decided_by=old.decided_by_id,
            decided_at=old.decided_at,
        )


def document_store_parse(*, document: Document, parsed: dict[str, Any], seconds: float) -> Document:
    """Replace what was read from this document with ``parsed``, in one transaction.

    Its tables in its current filing are replaced, and what reviewers hung on them follows the
    table read at the same place. A signed filing is never written to (see ``_filing_for``).
    """
    parsed = _with_given_facts(document, parsed)
    status, message = _outcome(parsed)
    with transaction.atomic():
        filing = _filing_for(document, parsed) if status == Document.Status.PARSED else None
        current = _locked_current(document)
        sealed = current is not None and current.is_read_only
        if status == Document.Status.PARSED and filing is None:
            # Its tables were replaced in a newer version; the signed one keeps them as signed.
            message = f"该文档所在的第 {current.version} 版已签批且已有新版本，重新解析未改动已签批的内容。"
        checked = [] if current is None or sealed else _checked_values(filing=current, document=document)
        reattach = [] if current is None or sealed else _drop_tables(filing=current, document=document)
        places: dict[str, int] = {}
        if filing is not None:
            store_tables(filing=filing, document=document, tables=parsed["tables"], year=parsed["year"])
            if current is not None and filing.pk == current.pk:
                stored = _table_places(filing.tables.filter(document=document))
                places = {place: pk for pk, place in stored.items()}
                _save_with_history(filing, None, f"重新解析《{document.original_filename}》")
        _checks_follow(checked, places)
        # Also when the document left the filing: its flags stay there, on no table.
        for follow in reattach:
            follow(places)
        Document.objects.filter(pk=document.pk).update(
            # A signed filing keeps its documents; a failed re-parse does not take one out of it.
            filing=filing or (current if sealed else None),
            status=status,
            error=message,
            # Nothing read is lost while the facts are missing; once filed the rows hold it all.
            parsed=parsed if status == Document.Status.NEEDS_DETAILS else None,
            page_count=parsed.get("page_count"),
            title=(parsed["tables"][0].get("title", "") if parsed.get("tables") else "")[:500],
            pages_without_text=_unreadable(parsed),
            pages_scanned=parsed.get("pages_scanned") or [],
            pages_blank=parsed.get("pages_blank") or [],
            ocr_engine=(parsed.get("ocr_engine") or "")[:100],
            coverage=parsed.get("coverage") or {},
            narrative=parsed.get("narrative") or [],
            parse_finished_at=timezone.now(),
            parse_seconds=round(seconds, 3),
            parser_version=PARSER_VERSION,
        )
        if filing is not None:
            filing_parsed.send(sender=Filing, filing=filing)
    document.refresh_from_db()
    return document


class FactsRefused(Exception):
    """Facts given by hand that cannot be used now; the message says why, in Chinese."""


def document_give_details(
    *, document: Document, user: Any, department: str = "", year: int | None = None, stage: str = ""
) -> Document:
    """File a ``needs_details`` document under the facts given by hand, exactly as a parse would.

    Only the facts the parse lacks are taken; they are kept on the document so that a re-parse
    that still cannot read them uses them again.
    """
    if not document_facts_editable_by(user=user, document=document):
        raise PermissionDenied("只有上传人或管理员可以补充该文档的信息。")
    with transaction.atomic():
        # Locked, so two people giving the facts at once form one filing, not two.
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status != Document.Status.NEEDS_DETAILS or not document.parsed:
            raise FactsRefused("该文档现在不需要补充信息（可能已由他人补充，或正在重新解析）。")
        missing = facts_missing(document.parsed)
        given = {"department": squash(department)[:200], "year": year, "stage": stage}
        if given["stage"] and given["stage"] not in STAGES:
            raise FactsRefused("预算阶段只能是年初预算、预算调整或决算。")
        if lacking := [fact for fact in missing if not given[fact]]:
            raise FactsRefused(f"请填写{_facts_text(lacking)}。")
        parsed = {**document.parsed, **{fact: given[fact] for fact in missing}}
        filing = _filing_for(document, parsed)
        if filing is None:
            raise FactsRefused("该文档所在的预算文件已签批且已有新版本，不能再归入。")
        store_tables(filing=filing, document=document, tables=parsed["tables"], year=parsed["year"])
        status, message = _outcome(parsed)
        Document.objects.filter(pk=document.pk).update(
            filing=filing,
            status=status,
            error=message,
            parsed=None,
            narrative=parsed.get("narrative") or [],
            details_given_by=user,
            details_given_at=timezone.now(),
            **{f"given_{fact}": given[fact] for fact in missing},
        )
        filing_parsed.send(sender=Filing, filing=filing)
    document.refresh_from_db()
    return document


def _save_with_history(filing: Filing, user: Any, reason: str) -> None:
    # One save per row (never QuerySet.update) so the history records who changed what and why.
    filing._history_user = user  # type: ignore[attr-defined]
    filing._change_reason = reason  # type: ignore[attr-defined]
    filing.save()


def filing_correct_department(*, filing: Filing, department: str, user: Any) -> Filing:
    """Move a filing read under the wrong department, with everything that hangs off it.

    It becomes the next version of its year and stage there; its documents remember the
    department, so a re-parse that reads the wrong one again keeps the corrected one.
    """
    name = squash(department)[:200]
    if not name:
        raise FactsRefused("请填写部门名称。")
    with transaction.atomic():
        old = Filing.objects.select_related("department").get(pk=filing.pk).department
        target = department_get_or_create(name=name)
        # Serialises version numbering in both departments (as _filing_for does), in id order
        # so that two moves in opposite directions cannot deadlock; and the departments before
        # the filing, the order in which a parse attaching a document takes them, for the same reason.
        list(Department.objects.select_for_update().filter(pk__in=[old.pk, target.pk]).order_by("pk"))
        filing = Filing.objects.select_for_update().select_related("department").get(pk=filing.pk)
        if not filing_facts_editable_by(user=user, filing=filing):
            raise PermissionDenied("只有上传人或管理员可以更正部门。")
        if filing.is_read_only:
            raise FactsRefused("该预算文件已签批，不能再更正部门。")
        if filing.department_id != old.pk:
            raise FactsRefused("该预算文件的部门刚被他人更正，请刷新后再试。")
        if name == old.name:
            raise FactsRefused("填写的部门与当前部门相同。")
        latest = (
            Filing.objects.filter(department=target, year=filing.year, stage=filing.stage)
            .order_by("-version")
            .first()
        )
        reason = f"部门由“{old.name}”更正为“{name}”"
        # A later version left behind now follows this one's predecessor there.
        for successor in Filing.objects.filter(previous=filing):
            successor.previous_id = filing.previous_id
            _save_with_history(successor, user, reason)
        filing.department = target
        filing.version = latest.version + 1 if latest else 1
        filing.previous = latest
        # Its reviewer was one of the old department's; the new department's reviewers start afresh.
        filing.reviewer = None
        filing.status = Filing.Status.REOPENED if latest else Filing.Status.PARSED
        _save_with_history(filing, user, reason)
        Document.objects.filter(filing=filing).update(
            given_department=name,
            department_corrected=True,
            details_given_by=user,
            details_given_at=timezone.now(),
        )
        # A department only the misreading made would otherwise linger among the suggestions.
        if not old.filings.exists() and not old.reviewers.exists():
            old.delete()
        filing_parsed.send(sender=Filing, filing=filing)
    filing.refresh_from_db()
    return filing


def store_tables(*, filing: Filing, document: Document, tables: list[dict[str, Any]], year: int) -> None:
    """Write parsed tables with bulk inserts: a handful of queries per kind, not one per row."""
    saved = ParsedTable.objects.bulk_create(
        [
            interchange.table_from_dict(filing=filing, document_id=document.pk, position=i, data=data)
            for i, data in enumerate(tables)
        ]
    )
    summary, functional, projects, targets, grid_rows, grid_cells = [], [], [], [], [], []
    for table, data in zip(saved, tables, strict=True):
        if table.kind == TableKind.INCOME_EXPENSE_SUMMARY:
            summary += interchange.summary_lines(table, data)
        elif table.kind == TableKind.FUNCTIONAL_EXPENDITURE:
            functional.append(interchange.functional_lines(table, data))
        elif table.kind in (TableKind.PROJECT_EXPENDITURE, TableKind.TRANSFER_PAYMENT):
            projects += interchange.project_lines(table, data)
        elif table.kind == TableKind.GRID:
            rows, cells = interchange.grid_lines(table, data)
            grid_rows += rows
            grid_cells += cells
        else:
            targets.append((interchange.performance_target(table, data), data))
    SummaryLine.objects.bulk_create(summary)
    ProjectLine.objects.bulk_create(projects)
    # Rows first: the cells point at them, and bulk_create gives the rows their keys.
    GridRow.objects.bulk_create(grid_rows)
    GridCell.objects.bulk_create(grid_cells, batch_size=5000)
    for lines in functional:
        FunctionalLine.objects.bulk_create(lines)
        FunctionalLine.objects.bulk_update(interchange.link_functional_parents(lines), ["parent"])
    PerformanceTarget.objects.bulk_create([target for target, _ in targets])
    Indicator.objects.bulk_create(
        [ind for target, data in targets for ind in interchange.indicators(target, data, year)]
    )
    OcrCell.objects.bulk_create(
        [cell for table, data in zip(saved, tables, strict=True) for cell in _ocr_cells(table, data)]
    )


def doubt_confidence() -> float:
    """Below this confidence an OCR'd value waits for a reviewer (budget_filing's, once it says)."""
    import budget_filing
    from budget_filing import document

    found = getattr(budget_filing, "DOUBT_CONFIDENCE", getattr(document, "DOUBT_CONFIDENCE", 0.9))
    return float(found)


def _ocr_cells(table: ParsedTable, data: dict[str, Any]) -> list[OcrCell]:
    """The table's values read by OCR; those read with little confidence are 待核对 from the start."""
    threshold = doubt_confidence()
    cells = []
    for entry in data.get("ocr") or []:
        if not isinstance(entry, dict) or not entry.get("field"):
            continue
        confidence = float(entry.get("confidence") or 0)
        bbox = entry.get("bbox")
        cells.append(
            OcrCell(
                table=table,
                row_position=entry.get("row"),
                field=str(entry["field"])[:500],
                text=str(entry.get("text") or "")[:200],
                confidence=confidence,
                page=entry.get("page"),
                bbox=[float(v) for v in bbox] if bbox and len(bbox) == 4 else None,
                status=OcrCell.Status.DOUBTFUL if confidence < threshold else OcrCell.Status.TRUSTED,
            )
        )
    return cells


class CellRefused(Exception):
    """An OCR'd value that cannot be corrected as asked; the message says why, in Chinese."""


def _money_field(table: ParsedTable, cell: OcrCell) -> tuple[Any, str]:
    """The stored row and the attribute of it that holds an OCR'd amount."""
    kind, path, row = table.kind, cell.field, cell.row_position
    if kind == TableKind.GRID:
        column = path.removeprefix("values.")
        if column not in table.columns or row is None:
            raise CellRefused("找不到该单元格所在的列。")
        grid_row = GridRow.objects.get(table=table, position=row)
        grid_cell, _ = GridCell.objects.get_or_create(row=grid_row, column=table.columns.index(column))
        return grid_cell, "amount"
    if kind in (TableKind.DEPARTMENT_PERFORMANCE, TableKind.PROJECT_PERFORMANCE):
        parts = path.split(".")
        if row is None and len(parts) == 3 and parts[0] == "funds" and parts[2] in FUND_PARTS:
            return PerformanceTarget.objects.get(table=table), f"{parts[1]}_{parts[2]}"
        raise CellRefused("该单元格不是金额，只能确认，不能按金额更正。")
    rows = {
        TableKind.INCOME_EXPENSE_SUMMARY: SummaryLine,
        TableKind.FUNCTIONAL_EXPENDITURE: FunctionalLine,
        TableKind.PROJECT_EXPENDITURE: ProjectLine,
        TableKind.TRANSFER_PAYMENT: ProjectLine,
    }
    model = rows.get(kind)
    attribute = path.replace(".", "_")
    if model is None or row is None or not isinstance(model._meta.get_field(attribute), models.DecimalField):
        raise CellRefused("该单元格不是金额，只能确认，不能按金额更正。")
    return model.objects.get(table=table, position=row), attribute


def ocr_cell_write(*, cell: OcrCell, value: Any) -> Decimal:
    """Write a reviewer's reading of an OCR'd amount into the stored row, so exports and rules use it.

    ``value`` is in the table's printed unit, as the reviewer reads it on the page (167.53 in a
    万元 table); the row stores yuan. The caller checks who may and records the decision on ``cell``.
    """
    table = ParsedTable.objects.get(pk=cell.table_id)
    unit = known_unit(table.unit)
    if not cell.is_amount:
        raise CellRefused("这是文字，不是金额：只能确认；如识别有误，请在该行添加标记说明。")
    try:
        read = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise CellRefused(f"请填写数字金额（按表中单位：{unit}），例如 12345.67。") from exc
    if not read.is_finite() or abs(read) >= Decimal(10) ** 12:
        raise CellRefused("金额超出范围。")
    amount = Decimal(to_yuan(read, unit) or "0")
    try:
        record, attribute = _money_field(table, cell)
    except (GridRow.DoesNotExist, SummaryLine.DoesNotExist, FunctionalLine.DoesNotExist) as exc:
        raise CellRefused("找不到该单元格所在的行。") from exc
    except (ProjectLine.DoesNotExist, PerformanceTarget.DoesNotExist, FieldDoesNotExist) as exc:
        raise CellRefused("找不到该单元格所在的行。") from exc
    setattr(record, attribute, amount)
    update = [attribute]
    if isinstance(record, PerformanceTarget):
        side = attribute.split("_", 1)[0]
        setattr(record, f"has_{side}_funds", True)
        update.append(f"has_{side}_funds")
    if isinstance(record, GridCell):
        record.text = ""
        update.append("text")
    record.save(update_fields=update)
    return amount


def documents_sweep_stale(*, now: Any = None) -> int:
    """Re-queue work that was lost: never sent (broker down) or taken by a worker that died."""
    now = now or timezone.now()
    queued_before = now - timedelta(seconds=settings.SWEEP_QUEUED_AFTER_SECONDS)
    parsing_before = now - timedelta(seconds=settings.SWEEP_PARSING_AFTER_SECONDS)
    # A scan may be read by OCR far longer than a text PDF is parsed (its own time limits), and
    # waits behind the scans before it as long: sent again sooner, it would only queue twice.
    ocr_before = now - timedelta(seconds=settings.SWEEP_OCR_AFTER_SECONDS)
    text = Q(pages_scanned=[])
    stale = Document.objects.filter(
        Q(text, status=Document.Status.QUEUED, queued_at__lt=queued_before)
        | Q(~text, status=Document.Status.QUEUED, queued_at__lt=ocr_before)
        | Q(text, status=Document.Status.PARSING, parse_started_at__lt=parsing_before)
        | Q(~text, status=Document.Status.PARSING, parse_started_at__lt=ocr_before)
    )
    count = 0
    for document in stale:
        if document.attempts >= settings.PARSE_MAX_ATTEMPTS:
            document_fail(
                document_id=document.pk,
                error=f"已尝试解析 {document.attempts} 次仍未完成（解析进程多次中断），请联系管理员。",
            )
            continue
        # Conditional, so a document finished meanwhile is left alone.
        with transaction.atomic():
            moved = Document.objects.filter(pk=document.pk, status=document.status).update(
                status=Document.Status.QUEUED, task_id="", queued_at=now
            )
            if moved:
                document_enqueue(document=document)
                count += 1
    return count
