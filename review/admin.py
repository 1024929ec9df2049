"""Admin for findings: searchable by message and key, filtered by class, severity and decision."""

from django.contrib import admin

from .models import Finding


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
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
