"""Reads on documents for the upload and document pages."""

from __future__ import annotations

from typing import Any

from .models import Document, DocumentQuerySet


def documents_for_user(*, user: Any, limit: int = 200) -> DocumentQuerySet:
    return Document.objects.visible_to(user).select_related("uploaded_by", "filing__department")[:limit]
