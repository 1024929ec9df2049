"""Admin for departments, filings and documents: searchable, filterable, with a re-queue action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import Department, Document, Filing


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(Filing)
class FilingAdmin(admin.ModelAdmin):
    list_display = ["department", "year", "stage", "version", "status", "updated_at"]
    list_filter = ["stage", "status", "year"]
    search_fields = ["department__name"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]


@admin.action(description="重新排队解析所选文档")
def requeue_documents(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    for document in queryset:
        services.document_requeue(document=document)
    modeladmin.message_user(request, f"已重新排队 {queryset.count()} 个文档。", messages.SUCCESS)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "original_filename",
        "status",
        "page_count",
        "attempts",
        "uploaded_by",
        "uploaded_at",
        "filing",
    ]
    list_filter = ["status", "content_type", "uploaded_at"]
    search_fields = ["original_filename", "sha256", "title", "error"]
    list_select_related = ["uploaded_by", "filing__department"]
    readonly_fields = [
        "sha256",
        "size",
        "content_type",
        "file",
        "uploaded_by",
        "uploaded_at",
        "attempts",
        "task_id",
        "queued_at",
        "parse_started_at",
        "parse_finished_at",
        "parse_seconds",
        "parser_version",
    ]
    actions = [requeue_documents]
