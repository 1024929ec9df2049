"""``manage.py reparse_documents [--outdated | --needs-details | --all | ID...]``: parse documents again.

After the parser improves, ``--outdated`` re-queues every document read by an older parser
version (``bin/run`` does this on start); ``--needs-details`` those still waiting for a
department, year or stage the parser could not read. A re-parse replaces the document's rows;
facts given by hand are kept, so it never undoes them (see ``document_store_parse``). A signed
filing is never rewritten: the re-parse of one of its documents goes into a new version, and the
flags, comments and decisions of a filing re-parsed in place stay.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from filings.models import Document
from filings.parsing.version import PARSER_VERSION
from filings.services import document_requeue


class Command(BaseCommand):
    help = (
        "重新解析文档：--outdated 为旧版解析器解析的文档，--needs-details 为待补充信息的文档，"
        "--all 为全部，或给出文档编号。人工填写的部门、年度、阶段会保留。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("ids", nargs="*", type=int)
        parser.add_argument("--outdated", action="store_true")
        parser.add_argument("--needs-details", action="store_true")
        parser.add_argument("--all", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        documents = Document.objects.exclude(status__in=[Document.Status.QUEUED, Document.Status.PARSING])
        if options["outdated"]:
            documents = documents.exclude(parser_version=PARSER_VERSION)
        elif options["needs_details"]:
            documents = documents.filter(status=Document.Status.NEEDS_DETAILS)
        elif options["ids"]:
            documents = documents.filter(pk__in=options["ids"])
        elif not options["all"]:
            raise CommandError("请给出文档编号，或使用 --outdated / --needs-details / --all。")
        count = kept = 0
        for document in documents:
            document_requeue(document=document)
            count += 1
            kept += document.details_given_at is not None
        note = f"（其中 {kept} 个保留人工填写的信息）" if kept else ""
        self.stdout.write(f"已重新排队 {count} 个文档{note}。")
