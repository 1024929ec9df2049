"""Who may see and act on which filing: reviewers see their departments, admins see all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from filings.models import Filing
from filings.models.documents import user_is_admin
from filings.selectors import filing_documents

is_admin = user_is_admin  # superusers and the 管理员 group (filings decides who they are)


def filings_visible_to(user: Any) -> QuerySet[Filing]:
    filings = Filing.objects.all()
    if not user.is_authenticated:
        return filings.none()
    if is_admin(user):
        return filings
    if not user.has_perm("filings.review_filing"):
        return filings.none()
    return filings.filter(department__reviewers=user)


def can_review(user: Any, filing: Filing) -> bool:
    """Acting on a filing (flags, decisions, sign-off) is for reviewers of its department."""
    return bool(
        user.is_authenticated
        and user.has_perm("filings.review_filing")
        and filing.department.reviewers.filter(pk=user.pk).exists()
    )


def tables_uploaded_by(user: Any, filing: Filing) -> set[int | None]:
    """The filing's tables whose document ``user`` uploaded (four eyes: they may not decide on them).

    ``None`` is in the set when they uploaded any of its documents, for findings on no one table
    (the cross-table checks). One query.
    """
    if not user.is_authenticated:
        return set()
    documents = filing_documents(filing).filter(uploaded_by=user)  # those held from a version before too
    tables: set[int | None] = set(documents.values_list("tables", flat=True))
    if tables:
        tables.add(None)
    return tables
