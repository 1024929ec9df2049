"""``manage.py export_filing FILING_ID [--anomalies]``: a stored filing as ``budget-filing/1``,
or its stored findings as ``budget-anomalies/1``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from filings.interchange import filing_to_dict
from filings.models import Filing
from review.management.commands.parse_pdf import dump
from review.selectors import filing_anomalies


class Command(BaseCommand):
    help = "把数据库中的预算文件导出为 budget-filing/1 JSON；--anomalies 导出已存的异常。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("filing_id", type=int)
        parser.add_argument("--anomalies", action="store_true", help="输出已存的异常（budget-anomalies/1）")

    def handle(self, *args: Any, **options: Any) -> None:
        filing = Filing.objects.select_related("department").filter(pk=options["filing_id"]).first()
        if filing is None:
            raise CommandError(f"预算文件不存在：{options['filing_id']}")
        self.stdout.write(dump(filing_anomalies(filing) if options["anomalies"] else filing_to_dict(filing)))
