"""What a clerk sees of their uploads (issue 13, item 7): the list says which filing each document
became (部门、年度、阶段, its findings, a link for those who may open it), the upload messages carry
what the page's script needs to follow the list, and the list's queries do not grow with it.

The script itself (messages following the live list, the warning before leaving mid-upload) is
driven in Chromium by tests/browser/test_upload_messages.py.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from filings.models import Document
from tests import test_record
from tests.pdfmaker import build_pdf

pytestmark = pytest.mark.django_db

filing = test_record.filing  # the zunyi filing, with findings, uploaded by the clerk


def _row(page: str, document: Document) -> str:
    row = re.search(rf'<tr id="document-{document.pk}".*?</tr>', page, flags=re.S)
    assert row, f"no row for document {document.pk}"
    return row.group(0)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_list_shows_department_year_and_stage_not_a_table_title(clerk_client, filing):
    document = filing.documents.get()
    Document.objects.filter(pk=document.pk).update(title="附表 9 最后一张表的标题")
    page = clerk_client.get("/documents/").content.decode()
    head = page[page.index("<thead>") : page.index("</thead>")]
    assert [_text(th) for th in re.findall(r"<th[^>]*>.*?</th>", head)] == [
        "文件名",
        "状态",
        "页数",
        "部门",
        "年度",
        "阶段",
        "异常",
        "上传人",
        "上传时间",
    ]
    row = _text(_row(page, document))
    assert "遵义市人力资源和社会保障局 2024 预算调整" in row
    assert f" {filing.findings.count()} clerk " in f" {row} "
    assert "最后一张表的标题" not in page


def test_a_clerk_sees_the_filing_and_its_findings_but_no_link_they_could_not_open(clerk_client, filing):
    assert filing.findings.count() > 0
    document = filing.documents.get()
    row = _row(clerk_client.get("/documents/").content.decode(), document)
    assert f"/filings/{filing.pk}/" not in row  # the workspace answers a clerk 404
    detail = clerk_client.get(f"/documents/{document.pk}/").content.decode()
    assert f"{filing.findings.count()} 个异常" in _text(detail) and f"/filings/{filing.pk}/" not in detail
    assert clerk_client.get(f"/filings/{filing.pk}/").status_code == 404


def test_a_reviewer_is_linked_from_the_document_to_its_filing_and_findings(client, filing, reviewer):
    client.force_login(reviewer)
    document = filing.documents.get()
    row = _row(client.get("/documents/").content.decode(), document)
    assert f'href="/filings/{filing.pk}/"' in row
    assert f'href="/filings/{filing.pk}/?tab=findings">{filing.findings.count()}</a>' in row
    detail = client.get(f"/documents/{document.pk}/").content.decode()
    assert f'href="/filings/{filing.pk}/"' in detail and f"{filing.findings.count()} 个异常" in detail
    assert client.get(f"/filings/{filing.pk}/").status_code == 200  # the link leads somewhere


def test_a_document_without_a_filing_yet_has_dashes(clerk_client, clerk):
    document = Document.objects.create(
        original_filename="排队.pdf", sha256="q" * 64, size=1, content_type="application/pdf", file="q.pdf"
    )
    Document.objects.filter(pk=document.pk).update(uploaded_by=clerk)
    row = _text(_row(clerk_client.get("/documents/").content.decode(), document))
    assert row.startswith("排队.pdf 排队中") and "—" in row


def test_an_upload_message_names_its_document_for_the_script(clerk_client):
    page = clerk_client.post(
        "/upload/", {"files": [SimpleUploadedFile("新文件.pdf", build_pdf(["x"]))]}, follow=True
    ).content.decode()
    document = Document.objects.get()
    message = re.search(r'<span class="upload-outcome" data-document="(\d+)">([^<]+)</span>', page)
    assert message and message.groups() == (str(document.pk), "新文件.pdf：已上传，正在排队解析。")
    row = _row(page, document)
    assert 'data-status="queued"' in row and 'data-status-label="排队中"' in row
    assert "js/upload" in page


def test_the_documents_page_loads_the_script_that_follows_the_list(clerk_client):
    assert "js/upload" in clerk_client.get("/documents/").content.decode()


@pytest.mark.parametrize("n", [2, 40])
def test_the_list_with_filings_and_findings_uses_a_fixed_number_of_queries(
    n, client, filing, clerk, reviewer, django_assert_num_queries
):
    for i in range(n):
        Document.objects.create(
            original_filename=f"{i}.pdf",
            sha256=f"{i:064d}",
            size=1,
            content_type="application/pdf",
            file=f"{i}.pdf",
            uploaded_by=clerk,
            filing=filing,
            status=Document.Status.PARSED,
        )
    client.force_login(clerk)
    # session, user, admin-group check, permissions (x2: user and group), documents with their
    # filings, departments and finding counts; the session saved again (savepoint, update, release)
    with django_assert_num_queries(9):
        page = client.get("/documents/", headers={"HX-Request": "true"}).content.decode()
    assert page.count("遵义市人力资源和社会保障局") == n + 1
    client.force_login(reviewer)
    with django_assert_num_queries(9):
        page = client.get("/documents/", headers={"HX-Request": "true"}).content.decode()
    assert page.count(f'href="/filings/{filing.pk}/?tab=findings"') == n + 1
