"""``manage.py seed_demo``: the demo accounts (admin, clerk, reviewer) for a local run.

Passwords come from DEMO_<ROLE>_PASSWORD or are generated once and kept in a git-ignored
file, so a second run prints the same ones.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from filings import roles
from filings.models import Department

ACCOUNTS = [
    ("admin", roles.ADMINS, True),
    ("clerk", roles.CLERKS, False),
    ("reviewer", roles.REVIEWERS, False),
]


class Command(BaseCommand):
    help = "创建演示账户（admin、clerk、reviewer）并打印其密码。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--password-file", default=str(Path(settings.BASE_DIR) / "var" / "demo-passwords.json")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        store = Path(options["password_file"])
        known: dict[str, str] = json.loads(store.read_text()) if store.exists() else {}
        User = get_user_model()
        for username, group_name, is_admin in ACCOUNTS:
            password = os.environ.get(f"DEMO_{username.upper()}_PASSWORD") or known.get(username)
            user = User.objects.filter(username=username).first()
            if user is None:
                password = password or secrets.token_urlsafe(9)
                user = User.objects.create_user(username=username, password=password)
            elif password and not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            user.is_staff = user.is_superuser = is_admin
            user.save(update_fields=["is_staff", "is_superuser"])
            user.groups.add(Group.objects.get(name=group_name))
            if password:
                known[username] = password
            self.stdout.write(
                f"  {username:<9} 密码：{known.get(username, '（未知，已手动修改）')}  角色：{group_name}"
            )
        # Departments read before the demo reviewer was named (an older var/) get it too.
        reviewers = User.objects.filter(username__in=settings.DEFAULT_REVIEWERS, groups__name=roles.REVIEWERS)
        for department in Department.objects.filter(reviewers__isnull=True):
            department.reviewers.add(*reviewers)
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps(known, ensure_ascii=False, indent=1))
        store.chmod(0o600)
