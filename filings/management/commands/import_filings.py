"""``manage.py import_filings PATH...``: upload PDFs, folders of PDFs and zips from a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from filings.services import document_upload
from filings.uploads import candidates_from_upload

SUFFIXES = {".pdf", ".zip"}


def expand(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"找不到文件或目录：{raw}")
    return found


class Command(BaseCommand):
    help = "导入预算文件（PDF、包含 PDF 的目录或 .zip），与网页上传相同：按内容去重并排队解析。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--user", help="记为上传人的用户名（默认：不记录）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户不存在：{options['user']}")
        files = expand(options["paths"])
        created = existing = refused = 0
        for path in tqdm(files, desc="导入", unit="个", disable=options["verbosity"] == 0):
            with path.open("rb") as handle:
                for candidate in candidates_from_upload(path.name, handle, path.stat().st_size):
                    outcome = document_upload(candidate=candidate, uploaded_by=user)
                    if outcome.error:
                        refused += 1
                        self.stderr.write(f"{path}: {outcome.filename}: {outcome.error}")
                    elif outcome.created:
                        created += 1
                    else:
                        existing += 1
        self.stdout.write(f"新上传 {created} 个，已存在 {existing} 个，拒绝 {refused} 个。")
