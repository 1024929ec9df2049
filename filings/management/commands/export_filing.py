"""``manage.py export_filing FILING_ID``: write a stored filing back as ``budget-filing/1``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from filings.interchange import filing_to_dict
from filings.management.commands.parse_pdf import dump
from filings.models import Filing


class Command(BaseCommand):
    help = "把数据库中的预算文件导出为 budget-filing/1 JSON。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("filing_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        filing = Filing.objects.select_related("department").filter(pk=options["filing_id"]).first()
        if filing is None:
            raise CommandError(f"预算文件不存在：{options['filing_id']}")
        self.stdout.write(dump(filing_to_dict(filing)))
