"""The three roles, as auth groups, and the permissions each carries.

The data migration creates them; tests that flush the database call
``ensure_role_groups`` again, so the definition lives here once.
"""

from __future__ import annotations

from typing import Any

CLERKS = "录入员"
REVIEWERS = "审核员"
ADMINS = "管理员"

# (app_label, codename) pairs per group. Admins get every permission of our apps.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    CLERKS: [("filings", "upload_document"), ("filings", "view_department")],
    REVIEWERS: [
        ("filings", "view_department"),
        ("filings", "view_filing"),
        ("filings", "view_document"),
        ("filings", "review_filing"),
        ("review", "view_finding"),
        ("review", "change_finding"),
        ("review", "view_flag"),
        ("review", "add_flag"),
        ("review", "change_flag"),
        ("review", "add_comment"),
        ("review", "view_signoff"),
        ("review", "add_signoff"),
    ],
}
ADMIN_APPS = ("filings", "review")


def ensure_role_groups(group_model: Any, permission_model: Any) -> None:
    """Create the role groups and (re)attach their permissions; safe to run again."""
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        # A permission of an app not migrated yet is skipped; that app's own role
        # migration runs this again once its models exist.
        wanted = [
            permission
            for app, codename in perms
            for permission in permission_model.objects.filter(content_type__app_label=app, codename=codename)
        ]
        group.permissions.set(wanted)
    admins, _ = group_model.objects.get_or_create(name=ADMINS)
    admins.permissions.set(permission_model.objects.filter(content_type__app_label__in=ADMIN_APPS))


def migrate_roles(apps: Any, schema_editor: Any) -> None:
    """RunPython body: make the permissions exist now (normally after migrate), then the groups."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
