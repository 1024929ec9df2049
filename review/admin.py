"""Admin for findings, flags, comments and sign-offs; findings and flags show their history.

All four are read-only here: the review's services write them, keeping four eyes, the
read-only state of a signed filing and the history (an admin-made sign-off answered 500, and a
decision changed here passed every rule of the review).
"""

from django.contrib import admin

from filings.admin_base import ReadOnlyAdmin, RecordAdmin

from .models import Comment, Finding, Flag, SignOff


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin, RecordAdmin):
    list_display = ["message", "anomaly_class", "severity", "table_kind", "key", "decision", "filing"]
    list_filter = ["severity", "anomaly_class", "decision", "table_kind"]
    search_fields = ["message", "key", "rule_id", "filing__department__name"]
    list_select_related = ["filing__department"]
    readonly_fields = [
        "filing",
        "table",
        "rule_id",
        "anomaly_class",
        "severity",
        "table_kind",
        "key",
        "row_position",
        "cells",
        "message",
        "printed",
        "expected",
        "detail",
        "place",
        "created_at",
    ]


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin, RecordAdmin):
    list_display = ["note", "table", "row_label", "decision", "created_by", "created_at", "filing"]
    list_filter = ["decision", "created_at"]
    search_fields = ["note", "reason", "row_label", "filing__department__name"]
    list_select_related = ["filing__department", "table", "created_by"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["body", "author", "created_at", "filing"]
    list_filter = ["created_at"]
    search_fields = ["body", "filing__department__name"]
    list_select_related = ["filing__department", "author"]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["filing", "signed_by", "signed_at", "open_errors", "override_reason"]
    list_filter = ["signed_at"]
    search_fields = ["filing__department__name", "override_reason"]
    list_select_related = ["filing__department", "signed_by"]
    readonly_fields = [
        "filing",
        "signed_by",
        "signed_at",
        "document_sha256",
        "open_errors",
        "override_reason",
    ]

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # a sign-off is a record
