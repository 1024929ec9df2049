"""Who may see and act on which filing: reviewers see their departments, admins see all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from filings.models import Filing
from filings.roles import ADMINS


def is_admin(user: Any) -> bool:
    return bool(user.is_superuser or user.groups.filter(name=ADMINS).exists())


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
