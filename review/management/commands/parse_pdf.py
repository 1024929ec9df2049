"""``manage.py parse_pdf FILE [--json] [--anomalies]``: the parser alone, without the database.

It lives in the review app because ``--anomalies`` runs the rules, and filings never imports review.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from filings.parsing import ParseError, parse_pdf
from review.rules import run_rules, to_anomalies_json


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


class Command(BaseCommand):
    help = "解析一个 PDF 并输出 budget-filing/1（不使用数据库）；--anomalies 输出 budget-anomalies/1。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="输出完整的 budget-filing/1 JSON")
        parser.add_argument("--anomalies", action="store_true", help="输出检查出的异常（budget-anomalies/1）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            parsed = parse_pdf(options["file"])
        except ParseError as exc:
            raise CommandError(str(exc)) from exc
        if options["anomalies"]:
            self.stdout.write(dump(to_anomalies_json(run_rules(parsed))))
            return
        if options["json"]:
            self.stdout.write(dump(parsed))
            return
        self.stdout.write(
            f"{parsed.get('department')} {parsed.get('year')} {parsed.get('stage')}，"
            f"共 {parsed.get('page_count')} 页，{len(parsed['tables'])} 张表"
        )
        for table in parsed["tables"]:
            rows = len(table.get("rows") or table.get("indicators") or [])
            pages = ",".join(str(p) for p in table.get("pages", []))
            self.stdout.write(f"  [{pages}] {table['kind']:<24} {rows:>4} 行  {table.get('title', '')}")
