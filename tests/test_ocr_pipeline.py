"""A kept scan through the real worker (issue 14, items 3 and 5): upload → the parse queue finds its
scanned pages → the ocr queue reads them page by page → OCR'd values stored, a blank page neither
read nor unread → a reviewer corrects a value and the rules run again."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from filings.interchange import filing_to_dict
from filings.models import Document, OcrCell
from review.models import Finding
from review.selectors import filing_coverage
from review.services import ocr_cell_correct
from tests.conftest import CORPUS
from tests.test_pipeline import settled, upload

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SCANS = CORPUS / "scans"
NAME = "qiandongnan-mixed-blank"  # pages 4-6, 8, 9, 11, 12 scanned at 200 dpi, page 13 blank


@pytest.mark.skipif(not (SCANS / f"{NAME}.pdf").exists(), reason="the kept scans are not here")
def test_a_scan_is_read_on_the_ocr_queue_and_its_values_checked(
    celery_worker, clerk_client, reviewer, wait_for, settings
):
    manifest = json.loads((SCANS / "manifest.json").read_text())[NAME]
    upload(clerk_client, "扫描件.pdf", (SCANS / f"{NAME}.pdf").read_bytes())
    wait_for(settled("扫描件.pdf"), timeout=300, what="the OCR worker")
    document = Document.objects.get(original_filename="扫描件.pdf")
    assert document.status == Document.Status.PARSED, document.error
    assert document.pages_scanned == manifest["scanned"] and document.pages_blank == manifest["blank"]
    assert document.pages_without_text == [] and document.ocr_engine
    # handed over once, read once, its progress recorded to the last page
    assert document.attempts == 1 and (document.pages_done, document.pages_total) == (13, 13)
    log = (Path(settings.MEDIA_ROOT).parent / "worker.log").read_text()
    assert "filings.tasks.ocr_document" in log and f"[{document.task_id}] succeeded" in log

    filing = document.filing
    cells = OcrCell.objects.filter(table__filing=filing)
    assert cells.count() > 50 and all(0 < c.confidence <= 1 for c in cells)
    assert cells.filter(status=OcrCell.Status.DOUBTFUL).exists()
    coverage = filing_coverage(filing=filing, tables=filing.tables.count())
    assert coverage.blank_pages == []  # page 13 is blank: not 未读取
    assert coverage.scanned and coverage.doubtful == cells.filter(status="doubtful").count()

    # a correction goes into the stored funds and the rules run on it
    filing.department.reviewers.add(reviewer)
    fiscal = cells.filter(row_position=None, field="funds.initial.fiscal").order_by("confidence").first()
    read = Decimal(fiscal.text.replace(",", ""))
    table_index = list(filing.tables.order_by("position").values_list("pk", flat=True)).index(fiscal.table_id)

    def found() -> set[str]:
        return set(
            Finding.objects.filter(filing=filing, table_id=fiscal.table_id).values_list("place", flat=True)
        )

    before = found()
    ocr_cell_correct(cell=fiscal, value=str(read - 500), user=reviewer)
    assert filing_to_dict(filing)["tables"][table_index]["funds"]["initial"]["fiscal"] == f"{read - 500:.2f}"
    assert found() - before  # 资金总额 is no longer 财政拨款 + 其他资金
    ocr_cell_correct(cell=OcrCell.objects.get(pk=fiscal.pk), value=fiscal.text, user=reviewer)
    assert found() == before
