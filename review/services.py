"""Writes of the review app: the rules' findings, flags, decisions, comments and the sign-off."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from budget_filing.units import in_unit, known_unit
from filings.interchange import filing_tables, filing_to_dict
from filings.models import Filing, OcrCell, ParsedTable
from filings.selectors import filing_documents, newer_version
from filings.services import CellRefused, doubt_confidence, ocr_cell_write

from .access import can_review, tables_uploaded_by
from .models import ANOMALY_CLASS_LABELS, Comment, Decision, Finding, Flag, Severity, SignOff
from .rules import Finding as RuleFinding
from .rules import run_rules


def place_of(finding: RuleFinding | Finding) -> str:
    """Where an anomaly stands: its class, table kind and key (SCHEMA.md's one anomaly).

    Stable across re-runs and versions as long as the same row key breaks the same class,
    whichever of its cells or rules does; a finding stored per cell before (its place then
    named the rule, row and cells) maps to the same place through its own fields.
    """
    return "|".join([finding.anomaly_class, finding.table_kind, finding.key])[:700]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _figures(item: Finding) -> list[tuple[str, str]]:
    """What an anomaly printed and should have, cell by cell: the test that a decision still fits."""
    return sorted((_text(p.get("printed")), _text(p.get("expected"))) for p in item.part_list)


def _decisions_by_place(findings: Iterable[Finding]) -> dict[str, tuple[Finding, list[tuple[str, str]]]]:
    """Decided anomalies by place, with their figures; stored per cell, a place is decided only if
    every cell of it was, and takes the latest of their decisions."""
    members: dict[str, list[Finding]] = {}
    for finding in findings:
        members.setdefault(place_of(finding), []).append(finding)
    out = {}
    for place, group in members.items():
        if all(f.decision != Decision.OPEN for f in group):
            latest = max(group, key=lambda f: (f.decided_at is not None, f.decided_at or 0, f.pk))
            out[place] = (latest, sorted(pair for f in group for pair in _figures(f)))
    return out


def _inherited_decisions(filing: Filing) -> dict[str, tuple[Finding, list[tuple[str, str]]]]:
    """The previous version's decisions by place, where this version's reviewers have not decided.

    A decision comes over only where the same anomaly shows the same values (``filing_check``);
    it keeps its reviewer and time, which is what marks it carried over (``Finding.carried_over``).
    A place decided, or re-opened, in this version is this version's own from then on.
    """
    if filing.previous_id is None:
        return {}
    decided_here = {
        "|".join(values)[:700]
        for values in Finding.history.filter(filing_id=filing.pk, history_type="~").values_list(
            "anomaly_class", "table_kind", "key"
        )
    }
    previous = Finding.objects.filter(filing_id=filing.previous_id)
    return {
        place: decided
        for place, decided in _decisions_by_place(previous).items()
        if place not in decided_here
    }


def _row_source(doc: dict[str, Any], finding: RuleFinding) -> tuple[int | None, list[float] | None]:
    """The page and box a table finding's row was printed at (a finding in the 说明 carries its own)."""
    if finding.page is not None:
        return finding.page, None if finding.bbox is None else list(finding.bbox)
    tables = doc.get("tables") or []
    if not 0 <= finding.table_index < len(tables):
        return None, None
    table = tables[finding.table_index]
    pages = table.get("pages") or []
    first = pages[0] if pages else None
    rows = table.get("rows") or table.get("indicators") or []
    if finding.row_index is None or not 0 <= finding.row_index < len(rows):
        return first, None
    row = rows[finding.row_index]
    bbox = row.get("bbox")
    return row.get("page") or first, list(bbox) if bbox else None


def _part(doc: dict[str, Any], finding: RuleFinding) -> dict[str, Any]:
    page, bbox = _row_source(doc, finding)
    return {
        "rule_id": finding.rule_id,
        "row": finding.row_index,
        "cells": list(finding.cells),
        "message": finding.message,
        "printed": _text(finding.printed)[:300],
        "expected": _text(finding.expected)[:300],
        "unit": _amount_unit(doc, finding),
        "page": page,
        "bbox": bbox,
    }


def _amount_unit(doc: dict[str, Any], finding: RuleFinding) -> str:
    """The unit to show an amount's figures in: its table's printed unit ("" for a text figure).

    Rules give amounts as yuan Decimals; shown raw, 167.53 万元 read ``1675300.00`` beside a
    message in 万元.
    """
    if not any(isinstance(v, Decimal) for v in (finding.printed, finding.expected)):
        return ""
    tables = doc.get("tables") or []
    table = tables[finding.table_index] if 0 <= finding.table_index < len(tables) else {}
    return known_unit(table.get("unit"))


def _union(boxes: list[Any]) -> list[float] | None:
    try:
        rects = [[float(v) for v in box] for box in boxes if box]
    except (TypeError, ValueError):
        return None
    rects = [r for r in rects if len(r) == 4]
    if not rects:
        return None
    x0s, tops, x1s, bottoms = zip(*rects, strict=True)
    return [min(x0s), min(tops), max(x1s), max(bottoms)]


def _box_key(page: Any, bbox: Any) -> tuple[Any, ...]:
    try:
        return (int(page), *(round(float(v), 2) for v in bbox or ()))
    except (TypeError, ValueError):
        return ()


def _narrative_documents(filing: Filing) -> dict[tuple[Any, ...], int]:
    """Which document printed each paragraph of the 说明, by page and box; () is the first that has one."""
    where: dict[tuple[Any, ...], int] = {}
    documents = filing_documents(filing).order_by("uploaded_at", "id").values_list("id", "narrative")
    for document_id, paragraphs in documents:
        for paragraph in paragraphs or []:
            if isinstance(paragraph, dict):
                where.setdefault(_box_key(paragraph.get("page"), paragraph.get("bbox")), document_id)
                where.setdefault((), document_id)
    return where


def _where_printed(finding: RuleFinding, printed_in: dict[tuple[Any, ...], int]) -> int | None:
    if finding.page is None:
        return None
    return printed_in.get(_box_key(finding.page, finding.bbox), printed_in.get(()))


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def filing_check(*, filing: Filing) -> list[Finding]:
    """Run every rule on the stored filing; replace its findings, keeping decisions still in place.

    One Finding per anomaly (class, table kind, key), grouping every cell's breach, so the
    reviewer decides once what SCHEMA.md counts once. A signed-off filing keeps the findings
    and decisions it was signed with (changed rules apply to its next version): its findings
    are returned as they are.
    """
    tables = filing_tables(filing)
    doc = filing_to_dict(filing, tables=tables)
    found = run_rules(doc)
    printed_in = _narrative_documents(filing) if any(f.page is not None for f in found) else {}
    groups: dict[str, list[RuleFinding]] = {}
    for rule_finding in found:
        groups.setdefault(place_of(rule_finding), []).append(rule_finding)
    with transaction.atomic():
        # Lock the filing so two runs for it cannot interleave their delete and insert, and so
        # that a sign-off cannot come between the status read here and the findings written.
        locked = Filing.objects.select_for_update().filter(pk=filing.pk).first()
        if locked is not None and locked.is_read_only:
            return list(Finding.objects.filter(filing=filing))
        existing = list(Finding.objects.filter(filing=filing))
        decided = _decisions_by_place(existing)
        inherited = _inherited_decisions(filing)
        # Threads of findings stored per cell before follow them to their anomaly's place.
        for old in existing:
            if old.place != place_of(old):
                Comment.objects.filter(filing=filing, thread=f"finding:{old.place}").update(
                    thread=f"finding:{place_of(old)}"[:720]
                )
        Finding.objects.filter(filing=filing).delete()
        rows = []
        for place, group in groups.items():
            first = group[0]
            parts = [_part(doc, f) for f in group]
            for part, f in zip(parts, group, strict=True):
                # the table each breach is on: one key of one kind may stand in two tables
                part["table"] = tables[f.table_index].pk if 0 <= f.table_index < len(tables) else None
            figures = sorted((p["printed"], p["expected"]) for p in parts)
            previous = decided[place][0] if place in decided else None
            if previous is None and place in inherited:
                earlier, earlier_figures = inherited[place]
                previous = earlier if earlier_figures == figures else None
            table = tables[first.table_index] if 0 <= first.table_index < len(tables) else None
            paged = [p for p in parts if p["page"] is not None]
            page = paged[0]["page"] if paged else None
            if table is not None:
                document_id: int | None = table.document_id
            else:  # a finding in the 说明 stands on its document's page, the paragraph boxed
                document_id = _where_printed(first, printed_in)
            cells = list(dict.fromkeys(c for f in group for c in f.cells))
            # several cells: the item's line says how many, each part keeps its own message
            label = ANOMALY_CLASS_LABELS.get(first.anomaly_class, first.anomaly_class)
            head = f"{first.key}：" if first.key else ""
            message = first.message if len(group) == 1 else f"{head}{len(group)} 处{label}"
            rows.append(
                Finding(
                    filing=filing,
                    table=table,
                    document_id=document_id,
                    page=page,
                    bbox=_union([p["bbox"] for p in paged if p["page"] == page]),
                    rule_id=first.rule_id,
                    anomaly_class=first.anomaly_class,
                    severity=str(max((Severity(f.severity) for f in group), key=SEVERITY_RANK.__getitem__)),
                    table_kind=first.table_kind,
                    key=first.key[:500],
                    row_position=first.row_index,
                    cells=cells,
                    message=message,
                    printed=parts[0]["printed"],
                    expected=parts[0]["expected"],
                    # as to_anomalies_json joins them, so the export reads the same from storage
                    detail="; ".join(dict.fromkeys(f.detail or f.message for f in group)),
                    parts=parts,
                    place=place,
                    decision=previous.decision if previous else Finding.Decision.OPEN,
                    reason=previous.reason if previous else "",
                    decided_by=previous.decided_by if previous else None,
                    decided_at=previous.decided_at if previous else None,
                )
            )
        ocr_cells_doubt(filing=filing, findings=rows)
        return Finding.objects.bulk_create(rows)


class ReviewRefused(Exception):
    """An action the rules of the review do not allow; the message says why, in Chinese."""


def _check_writable(filing: Filing, user: Any) -> None:
    if not can_review(user, filing):
        raise ReviewRefused("只有该部门的审核员可以进行此操作。")
    if filing.is_read_only:
        raise ReviewRefused("该预算文件已签批，只读，不能再修改。")


def _touch(filing: Filing) -> None:
    # The dashboard's "last activity" is the filing's updated_at.
    Filing.objects.filter(pk=filing.pk).update(updated_at=timezone.now())


def filing_start_review(*, filing: Filing, user: Any) -> Filing:
    """Put a filing in review by ``user`` (or hand it over to them), recorded in its history."""
    _check_writable(filing, user)
    with transaction.atomic():
        # A save of the locked row, never QuerySet.update(): django-simple-history records only
        # saves, and the lock keeps a concurrent sign-off from being overwritten by a stale status.
        locked = Filing.objects.select_for_update().get(pk=filing.pk)
        startable = {Filing.Status.PARSED, Filing.Status.REOPENED, Filing.Status.IN_REVIEW}
        already = locked.status == Filing.Status.IN_REVIEW and locked.reviewer_id == user.pk
        if locked.status in startable and not already:
            locked.status = Filing.Status.IN_REVIEW
            locked.reviewer = user
            locked._history_user = user  # type: ignore[attr-defined]
            locked._change_reason = "开始审核"  # type: ignore[attr-defined]
            locked.save(update_fields=["status", "reviewer", "updated_at"])
    filing.refresh_from_db()
    return filing


def flag_create(
    *, filing: Filing, table: ParsedTable, row_position: int | None, row_label: str, note: str, user: Any
) -> Flag:
    _check_writable(filing, user)
    if table.filing_id != filing.pk:
        raise ReviewRefused("该表不属于这份预算文件。")
    if not note.strip():
        raise ReviewRefused("请填写标记说明。")
    flag = Flag(
        filing=filing,
        table=table,
        row_position=row_position,
        row_label=row_label[:500],
        note=note.strip(),
        created_by=user,
    )
    flag._history_user = user  # type: ignore[attr-defined]  # recorded also outside a request
    flag.save()
    _touch(filing)
    return flag


def decide(*, item: Finding | Flag, decision: str, reason: str, user: Any) -> Finding | Flag:
    """Resolve, dismiss or re-open a finding or a flag; dismissing needs a reason.

    Four eyes: who uploaded a document may not resolve or dismiss what was found in it, or else
    they would clear the errors of their own filing and a colleague would sign with no override.
    """
    _check_writable(item.filing, user)
    if decision not in Decision.values:
        raise ReviewRefused("未知的处理方式。")
    if decision != Decision.OPEN and item.table_id in tables_uploaded_by(user, item.filing):
        raise ReviewRefused("上传该文件的人不能处理其异常或标记（四眼原则），请由其他审核员处理。")
    _record_decision(item, decision, _reason_for(decision, reason), user, timezone.now())
    _touch(item.filing)
    return item


def _reason_for(decision: str, reason: str) -> str:
    """The reason as kept; dismissing needs one."""
    reason = reason.strip()
    if decision == Decision.DISMISSED and not reason:
        raise ReviewRefused("驳回必须填写理由。")
    return reason


def _record_decision(item: Finding | Flag, decision: str, reason: str, user: Any, at: Any) -> None:
    item.decision = decision
    item.reason = reason
    item.decided_by = user if decision != Decision.OPEN else None
    item.decided_at = at if decision != Decision.OPEN else None
    # who decided is recorded by the service itself, also outside a request (a command, a task)
    item._history_user = user  # type: ignore[union-attr]
    item.save(update_fields=["decision", "reason", "decided_by", "decided_at"])


def findings_decide_bulk(*, findings: Iterable[Finding], decision: str, reason: str, user: Any) -> int:
    """Resolve or dismiss several findings of one filing with one reason; all or none.

    Each is decided as ``decide`` decides one (four eyes, a reason to dismiss), each recorded
    in the history with who decided; one refused refuses them all, so a bulk action never
    leaves a half-done selection behind. Returns how many were decided.
    """
    items = list(findings)
    if decision not in (Decision.RESOLVED, Decision.DISMISSED):
        raise ReviewRefused("批量操作只能解决或驳回。")
    if not items:
        raise ReviewRefused("请先选择异常。")
    if len({item.filing_id for item in items}) != 1:
        raise ReviewRefused("只能批量处理同一份预算文件的异常。")
    filing = items[0].filing
    _check_writable(filing, user)
    own = tables_uploaded_by(user, filing)
    if any(item.table_id in own for item in items):
        raise ReviewRefused("所选异常中有您上传的文件里的异常（四眼原则），请由其他审核员处理。")
    reason = _reason_for(decision, reason)
    now = timezone.now()
    with transaction.atomic():
        for item in items:
            _record_decision(item, decision, reason, user, now)
    _touch(filing)
    return len(items)


def comment_add(*, filing: Filing, thread: str, body: str, user: Any) -> Comment:
    _check_writable(filing, user)
    if not body.strip():
        raise ReviewRefused("评论不能为空。")
    comment = Comment.objects.create(filing=filing, thread=thread[:720], author=user, body=body.strip())
    _touch(filing)
    return comment


def open_errors(filing: Filing) -> int:
    return filing.findings.open().filter(severity=Severity.ERROR).count()


def filing_sign_off(*, filing: Filing, user: Any, override_reason: str = "") -> SignOff:
    """Sign a filing off: four eyes, no open errors unless overridden with a reason, once only.

    Only the latest version can be signed, and never by whoever uploaded any of its documents.
    Everything is checked and recorded under the filing row's lock, the one a parse takes to
    attach a document (``filings.services._filing_for``): a document joining now waits, and
    one that joined is seen; the record lists every document the sign-off covers.
    """
    override_reason = override_reason.strip()
    try:
        with transaction.atomic():
            locked = Filing.objects.select_for_update().get(pk=filing.pk)
            if not can_review(user, locked):
                raise ReviewRefused("只有该部门的审核员可以进行此操作。")
            if locked.is_read_only:
                raise ReviewRefused("该预算文件已由其他审核员签批。")
            if (newer := newer_version(locked)) is not None:
                raise ReviewRefused(f"该预算文件已有新版本（第 {newer.version} 版），只能签批最新版本。")
            documents = filing_documents(locked)
            if documents.filter(uploaded_by=user).exists():
                raise ReviewRefused("上传该文件的人不能签批（四眼原则）。")
            errors = open_errors(locked)
            if errors and not override_reason:
                raise ReviewRefused(
                    f"还有 {errors} 项错误级别的异常未处理；请先处理，或填写越过的理由后再签批。"
                )
            # A save, not QuerySet.update(), so the history records who signed.
            locked.status = Filing.Status.SIGNED_OFF
            locked._history_user = user  # type: ignore[attr-defined]
            locked._change_reason = "签批"  # type: ignore[attr-defined]
            locked.save(update_fields=["status", "updated_at"])
            sign_off = SignOff.objects.create(
                filing=locked,
                signed_by=user,
                document_sha256=list(documents.order_by("pk").values_list("sha256", flat=True)),
                open_errors=errors,
                override_reason=override_reason if errors else "",
            )
    except IntegrityError as exc:
        raise ReviewRefused("该预算文件已由其他审核员签批。") from exc
    filing.refresh_from_db()
    return sign_off


# ---- values read by OCR from a scan ------------------------------------------------------------

OCR_NOTE = "（该数字由扫描件识别，待核对）"


def _cells_of(finding: Finding) -> list[tuple[int | None, str | None]]:
    refs = getattr(finding, "cell_refs", None)  # every part's cells, where a finding has parts
    return list(refs) if refs is not None else [(finding.row_position, cell) for cell in finding.cells]


def ocr_cells_doubt(*, filing: Filing, findings: list[Finding]) -> None:
    """After the rules: an OCR'd value is 待核对 while it was read with little confidence or a
    finding concerns it (the table does not add up because of it), until a reviewer decides;
    a finding on a value not yet checked says it was read from a scan. One query, and one
    update per status that changes.
    """
    open_cells = list(
        OcrCell.objects.filter(
            table__filing=filing, status__in=[OcrCell.Status.DOUBTFUL, OcrCell.Status.TRUSTED]
        ).values_list("pk", "table_id", "row_position", "field", "confidence", "status")
    )
    if not open_cells:
        return
    threshold = doubt_confidence()
    concerned = {(f.table_id, row, cell) for f in findings for row, cell in _cells_of(f)}
    unchecked = set()
    becomes: dict[str, list[int]] = {OcrCell.Status.DOUBTFUL: [], OcrCell.Status.TRUSTED: []}
    for pk, table_id, row, field, confidence, status in open_cells:
        unchecked.add((table_id, row, field))
        doubtful = confidence < threshold or (table_id, row, field) in concerned
        wanted = OcrCell.Status.DOUBTFUL if doubtful else OcrCell.Status.TRUSTED
        if wanted != status:
            becomes[wanted].append(pk)
    for status, pks in becomes.items():
        if pks:  # a mark of the rules, not a reviewer's decision: no history row
            OcrCell.objects.filter(pk__in=pks).update(status=status)
    for finding in findings:
        if any((finding.table_id, row, cell) in unchecked for row, cell in _cells_of(finding)):
            finding.message += OCR_NOTE


def _ocr_decide(cell: OcrCell, user: Any, change: Any) -> OcrCell:
    """Record a reviewer's decision on an OCR'd value and run the rules again, in one transaction."""
    filing = Filing.objects.get(tables=cell.table_id)
    _check_writable(filing, user)
    with transaction.atomic():
        # The lock a sign-off takes: a decision and a signature cannot cross.
        locked = Filing.objects.select_for_update().get(pk=filing.pk)
        if locked.is_read_only:
            raise ReviewRefused("该预算文件已签批，只读，不能再修改。")
        cell = OcrCell.objects.select_for_update().get(pk=cell.pk)
        reason = change(cell)
        cell.decided_by = user
        cell.decided_at = timezone.now()
        cell._history_user = user  # type: ignore[attr-defined]
        cell._change_reason = reason  # type: ignore[attr-defined]
        cell.save()
        filing_check(filing=locked)
        _touch(locked)
    return cell


def ocr_cell_confirm(*, cell: OcrCell, user: Any) -> OcrCell:
    """The value read by OCR is what the page prints (a correction made before is undone)."""

    def confirm(cell: OcrCell) -> str:
        if cell.status == OcrCell.Status.CORRECTED:
            try:
                ocr_cell_write(cell=cell, value=cell.text)
            except CellRefused as exc:
                raise ReviewRefused(str(exc)) from exc
        cell.status = OcrCell.Status.CONFIRMED
        cell.corrected = None
        return f"确认识别结果 {cell.text}"

    return _ocr_decide(cell, user, confirm)


def ocr_cell_correct(*, cell: OcrCell, value: Any, user: Any) -> OcrCell:
    """The page prints ``value`` (in the table's unit), not what OCR read.

    The stored row takes it and the rules run again.
    """

    def correct(cell: OcrCell) -> str:
        try:
            amount = ocr_cell_write(cell=cell, value=value)
        except CellRefused as exc:
            raise ReviewRefused(str(exc)) from exc
        cell.status = OcrCell.Status.CORRECTED
        cell.corrected = amount
        unit = known_unit(cell.table.unit)
        return f"识别为 {cell.text}，更正为 {in_unit(amount, unit)} {unit}"

    return _ocr_decide(cell, user, correct)
