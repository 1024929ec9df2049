"""``manage.py reparse_documents [--outdated | --all | ID...]``: send documents to the worker again.

After the parser improves, ``--outdated`` re-queues every document read by an older parser
version (``bin/run`` does this on start); a re-parse replaces the document's rows.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from filings.models import Document
from filings.parsing.version import PARSER_VERSION
from filings.services import document_requeue


class Command(BaseCommand):
    help = "重新解析文档：--outdated 为旧版解析器解析的文档，--all 为全部，或给出文档编号。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("ids", nargs="*", type=int)
        parser.add_argument("--outdated", action="store_true")
        parser.add_argument("--all", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        documents = Document.objects.exclude(status__in=[Document.Status.QUEUED, Document.Status.PARSING])
        if options["outdated"]:
            documents = documents.exclude(parser_version=PARSER_VERSION)
        elif options["ids"]:
            documents = documents.filter(pk__in=options["ids"])
        elif not options["all"]:
            raise CommandError("请给出文档编号，或使用 --outdated / --all。")
        count = 0
        for document in documents:
            document_requeue(document=document)
            count += 1
        self.stdout.write(f"已重新排队 {count} 个文档。")
