"""``manage.py check_filing FILING_ID... | --all``: re-run the anomaly rules on stored filings."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from filings.models import Filing
from review.services import filing_check


class Command(BaseCommand):
    help = "重新对预算文件运行异常检查规则（规则更新后可用 --all 对全部文件重新检查）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("filing_ids", nargs="*", type=int)
        parser.add_argument("--all", action="store_true", help="检查全部预算文件")

    def handle(self, *args: Any, **options: Any) -> None:
        filings = Filing.objects.select_related("department").order_by("pk")
        if not options["all"]:
            if not options["filing_ids"]:
                raise CommandError("请给出预算文件编号，或使用 --all。")
            filings = filings.filter(pk__in=options["filing_ids"])
            missing = set(options["filing_ids"]) - set(filings.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"预算文件不存在：{', '.join(map(str, sorted(missing)))}")
        for filing in tqdm(list(filings), desc="检查", unit="份", disable=options["verbosity"] == 0):
            findings = filing_check(filing=filing)
            errors = sum(f.severity == "error" for f in findings)
            self.stdout.write(f"{filing}: {len(findings)} 项异常（其中错误 {errors} 项）")
