"""Reads on documents for the upload and document pages, and who may give a document's facts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from budget_filing.kinds import STAGE_LABELS, STAGES

from .models import Department, Document, DocumentQuerySet, Filing, ParsedTable
from .models.documents import user_is_admin

# The facts a filing is formed by, in the order they are asked for, with their Chinese names.
FACT_LABELS = {"department": "部门", "year": "年度", "stage": "预算阶段"}


def filing_documents(filing: Filing) -> DocumentQuerySet:
    """Every document of a filing version: those filed in it and those whose tables it holds.

    A document belongs to the latest version it is in (``Document.filing``); an older version
    still holds the tables it was read (and maybe signed) with.
    """
    held = ParsedTable.objects.filter(filing=filing).values("document_id")
    return Document.objects.filter(Q(filing=filing) | Q(pk__in=held))


def newer_version(filing: Filing) -> Filing | None:
    """The latest version of the same department, year and stage, when it is not this one."""
    return (
        Filing.objects.filter(
            department_id=filing.department_id,
            year=filing.year,
            stage=filing.stage,
            version__gt=filing.version,
        )
        .order_by("-version")
        .first()
    )


def documents_for_user(*, user: Any, limit: int = 200) -> DocumentQuerySet:
    """The documents list: each with its filing and department, and ``finding_count``, the checks'
    findings on that filing, in one query. The large parse results stay unread (a held parse of a
    document waiting for its facts is the whole filing)."""
    return (
        Document.objects.visible_to(user)
        .select_related("uploaded_by", "filing__department")
        .defer("parsed", "narrative", "coverage")
        # Counted by the reverse name review gives its findings: filings imports nothing of review.
        .annotate(finding_count=Count("filing__findings", distinct=True))[:limit]
    )


def filing_finding_count(*, filing: Filing) -> int:
    """How many findings the checks made on a filing (the document page shows it beside the filing)."""
    return filing.findings.count()  # review names the reverse relation


def filings_openable_by(*, user: Any) -> bool:
    """Whether the documents list links a document to its filing's page: the review workspace is
    for reviewers and admins (a clerk's link would answer 404); a clerk sees the filing's name."""
    return bool(user.has_perm("filings.review_filing") or user.is_superuser)


def facts_missing(parsed: dict[str, Any]) -> list[str]:
    """Which of department, year and stage a parse lacks; a stage outside the vocabulary is lacking."""
    missing = []
    if not str(parsed.get("department") or "").strip():
        missing.append("department")
    if not parsed.get("year"):
        missing.append("year")
    if parsed.get("stage") not in STAGES:
        missing.append("stage")
    return missing


def document_missing_facts(*, document: Document) -> list[str]:
    if document.status != Document.Status.NEEDS_DETAILS or not document.parsed:
        return []
    return facts_missing(document.parsed)


def document_read_facts(*, document: Document) -> list[tuple[str, str]]:
    """The facts a ``needs_details`` parse did read, as (name, shown value), beside the form."""
    missing = document_missing_facts(document=document)
    if not missing:
        return []
    parsed = document.parsed or {}
    shown = {
        "department": str(parsed.get("department") or ""),
        "year": str(parsed.get("year") or ""),
        "stage": STAGE_LABELS.get(parsed.get("stage") or "", ""),
    }
    return [(FACT_LABELS[fact], shown[fact]) for fact in FACT_LABELS if fact not in missing]


def document_facts_editable_by(*, user: Any, document: Document) -> bool:
    """The uploader of a document, or an admin, gives its missing facts or corrects its department."""
    if not user.is_authenticated:
        return False
    return user_is_admin(user) or (document.uploaded_by_id is not None and document.uploaded_by_id == user.pk)


def filing_facts_editable_by(*, user: Any, filing: Filing) -> bool:
    """A filing's department may be corrected by an admin or by whoever uploaded one of its documents."""
    if not user.is_authenticated:
        return False
    return user_is_admin(user) or filing.documents.filter(uploaded_by=user).exists()


def department_names() -> list[str]:
    """The suggestions offered when a department is typed in."""
    return list(Department.objects.order_by("name").values_list("name", flat=True))
