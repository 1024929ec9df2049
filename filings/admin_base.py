"""What every admin page shares, so that the admin cannot break what the services keep.

- A changelist refuses a NUL byte in its query string with a 400: PostgreSQL cannot compare
  text with one, and the filters pass their values to it unchecked (a 500 before).
- A model with a history cannot be reverted to an old version: django-simple-history's revert
  saves the old row whole, status included, past every rule of the review. Its history is
  there to read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


class GuardedAdmin(admin.ModelAdmin):
    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("查询条件含有空字符（NUL），无法查询。")
        return super().changelist_view(request, extra_context)


class RecordAdmin(GuardedAdmin, SimpleHistoryAdmin):
    """An admin whose history is read, never reverted."""

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied  # a revert would write an old status over the recorded one
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(GuardedAdmin):
    """Records written by the review's services only (they keep four eyes and the history)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def guard_registered(site: admin.AdminSite, *models_: type[models.Model]) -> None:
    """Give admins registered by other apps (auth, axes) the same NUL guard on their changelists."""
    for model in models_:
        registered = type(site._registry[model])
        if issubclass(registered, GuardedAdmin):
            continue
        site.unregister(model)
        site.register(model, type(registered.__name__, (GuardedAdmin, registered), {}))
