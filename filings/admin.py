"""Admin for departments, filings and documents: searchable, filterable, with a re-queue action.

Roles and accounts keep Django's admin, their permissions listed by Chinese names.

A filing's status and identity are the services' to write (upload, parse, review, sign-off), so
they are read-only here: a status set by hand left a "signed" filing without its sign-off.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .admin_base import RecordAdmin
from .models import (
    Department,
    Document,
    Filing,
    FunctionalLine,
    GridCell,
    GridRow,
    Indicator,
    ParsedTable,
    PerformanceTarget,
    ProjectLine,
    SummaryLine,
)
from .roles import REVIEWERS

# Django names a model's permissions in English when it migrates ("Can add access attempt") and
# keeps the name in the database: the role forms show them from the model's Chinese name instead.
PERMISSION_ACTIONS = {"add": "增加", "change": "修改", "delete": "删除", "view": "查看"}


def permission_label(permission: Permission) -> str:
    """``应用 | 可以修改部门``; a permission of our own is named in Chinese already."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    original = getattr(model, "instance_type", None)  # a django-simple-history model
    name = f"{original._meta.verbose_name}的历史记录" if original else str(model._meta.verbose_name)
    action, _, model_name = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        label = f"可以{PERMISSION_ACTIONS[action]}{name}"
    else:
        label = str(permission.name)
    return f"{model._meta.app_config.verbose_name} | {label}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Permission) -> str:
        return permission_label(obj)


class ChinesePermissionsMixin:
    """The group and user forms, their permission lists labelled by permission_label."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name in {"permissions", "user_permissions"}:
            kwargs["form_class"] = PermissionsField
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


admin.site.unregister(Group)
admin.site.unregister(get_user_model())


@admin.register(Group)
class RoleAdmin(ChinesePermissionsMixin, GroupAdmin):
    pass


@admin.register(get_user_model())
class AccountAdmin(ChinesePermissionsMixin, UserAdmin):
    pass


def reviewer_users() -> QuerySet:
    """Who may be made a department's reviewer: the members of the 审核员 group, nobody else.

    Offering every account put clerks in the list, and a clerk made a reviewer would see (and
    could sign off) the filings they uploaded themselves.
    """
    return get_user_model().objects.filter(groups__name=REVIEWERS, is_active=True).order_by("username")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["name"]
    filter_horizontal = ["reviewers"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "reviewers":
            kwargs["queryset"] = reviewer_users()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Filing)
class FilingAdmin(RecordAdmin):
    list_display = ["department", "year", "stage", "version", "status", "updated_at"]
    list_filter = ["stage", "status", "year"]
    search_fields = ["department__name"]
    list_select_related = ["department"]
    readonly_fields = ["department", "year", "stage", "version", "status", "previous", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a filing is formed by its documents' parse

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "reviewer":
            kwargs["queryset"] = reviewer_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
        # which filing it is in and how far its parse got are the pipeline's (a signed filing
        # must not gain a document its sign-off does not list)
        "filing",
        "status",
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
        "coverage",
        "given_department",
        "given_year",
        "given_stage",
        "department_corrected",
        "details_given_by",
        "details_given_at",
    ]
    # the held parse of a document waiting for its facts: large, and only the forms write it
    exclude = ["parsed"]
    actions = [requeue_documents]


class RowInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SummaryLineInline(RowInline):
    model = SummaryLine
    fields = ["position", "side", "label", "initial", "adjusted", "change", "page"]
    readonly_fields = fields


class FunctionalLineInline(RowInline):
    model = FunctionalLine
    fk_name = "table"
    fields = ["position", "code", "name", "level", "initial_total", "adjusted_total", "change_total", "page"]
    readonly_fields = fields


class ProjectLineInline(RowInline):
    model = ProjectLine
    fields = ["position", "section", "name", "is_subtotal", "initial", "adjusted", "change", "note", "page"]
    readonly_fields = fields


class GridRowInline(RowInline):
    model = GridRow
    fields = ["position", "side", "code", "label", "page"]
    readonly_fields = fields
    show_change_link = True  # its cells are on the row's page


@admin.register(ParsedTable)
class ParsedTableAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "role", "unit", "pages", "filing", "document"]
    list_filter = ["kind", "role", "unit"]
    search_fields = ["title", "filing__department__name", "target__project"]
    list_select_related = ["filing__department", "document"]
    readonly_fields = [
        "filing",
        "document",
        "position",
        "kind",
        "role",
        "title",
        "subtitle",
        "unit",
        "pages",
        "columns",
        "note",
    ]
    inlines = [SummaryLineInline, FunctionalLineInline, ProjectLineInline, GridRowInline]


class IndicatorInline(RowInline):
    model = Indicator
    fields = [
        "position",
        "level1",
        "level2",
        "initial_name",
        "initial_value",
        "adjusted_name",
        "adjusted_value",
        "initial_quantity",
        "adjusted_quantity",
        "page",
    ]
    readonly_fields = fields


@admin.register(PerformanceTarget)
class PerformanceTargetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "implementer", "initial_total", "adjusted_total", "is_department"]
    list_filter = ["is_department"]
    search_fields = ["project", "implementer", "supervisor"]
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level1", "level2", "initial_value", "adjusted_value", "page"]
    list_filter = ["level1"]
    search_fields = ["initial_name", "adjusted_name", "target__project"]
    list_select_related = ["target"]


class LineAdmin(admin.ModelAdmin):
    list_select_related = ["table__filing__department"]
    list_filter = ["table__kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come from the parser only


@admin.register(SummaryLine)
class SummaryLineAdmin(LineAdmin):
    list_display = ["label", "side", "initial", "adjusted", "change", "page", "table"]
    search_fields = ["label", "table__title"]


@admin.register(FunctionalLine)
class FunctionalLineAdmin(LineAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "initial_total",
        "adjusted_total",
        "change_total",
        "page",
        "table",
    ]
    list_filter = ["level"]
    search_fields = ["code", "name", "table__title"]


@admin.register(ProjectLine)
class ProjectLineAdmin(LineAdmin):
    list_display = ["name", "section", "is_subtotal", "initial", "adjusted", "change", "page", "table"]
    list_filter = ["table__kind", "is_subtotal"]
    search_fields = ["name", "label", "note", "table__title"]


class GridCellInline(RowInline):
    model = GridCell
    fields = ["column", "amount", "text"]
    readonly_fields = fields


@admin.register(GridRow)
class GridRowAdmin(LineAdmin):
    list_display = ["__str__", "side", "code", "label", "page", "table"]
    list_filter = ["table__role", "side"]
    search_fields = ["code", "label", "table__title"]
    readonly_fields = ["table", "position", "side", "code", "label", "page", "bbox"]
    inlines = [GridCellInline]


@admin.register(GridCell)
class GridCellAdmin(admin.ModelAdmin):
    list_display = ["row", "column", "amount", "text"]
    list_filter = ["row__table__role"]
    search_fields = ["text", "row__label", "row__table__title"]
    list_select_related = ["row"]
    readonly_fields = ["row", "column", "amount", "text"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # cells come from the parser only
