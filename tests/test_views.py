"""Views for clerks: upload page messages, the live list fragment, detail and download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from filings.models import Document
from tests.pdfmaker import build_pdf

pytestmark = pytest.mark.django_db


def post_files(client, *files):
    return client.post("/upload/", {"files": list(files)}, follow=True)


def test_upload_page_shows_form_and_limit(clerk_client):
    page = clerk_client.get("/upload/").content.decode()
    assert 'type="file"' in page and "multiple" in page
    assert "50 MB" in page


def test_same_file_twice_is_stored_once_and_links_to_the_first(clerk_client):
    data = build_pdf(["twice"])
    post_files(clerk_client, SimpleUploadedFile("first.pdf", data))
    page = post_files(clerk_client, SimpleUploadedFile("second-name.pdf", data)).content.decode()
    assert Document.objects.count() == 1
    doc = Document.objects.get()
    assert doc.original_filename == "first.pdf"
    assert "已经上传过" in page and f'href="/documents/{doc.pk}/"' in page


def test_refusals_are_reported_per_file_and_nothing_is_stored(clerk_client):
    page = post_files(
        clerk_client,
        SimpleUploadedFile("a.pdf", b"MZ\x90\x00 an exe"),
        SimpleUploadedFile("b.pdf", b""),
        SimpleUploadedFile("good.pdf", build_pdf(["ok"])),
    ).content.decode()
    assert "a.pdf：文件内容不是 PDF" in page
    assert "b.pdf：文件为空" in page
    assert "good.pdf：已上传" in page
    assert list(Document.objects.values_list("original_filename", flat=True)) == ["good.pdf"]


def test_oversized_file_is_refused_at_upload(clerk_client, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1000
    page = post_files(
        clerk_client, SimpleUploadedFile("big.pdf", build_pdf(["x" * 50] * 20))
    ).content.decode()
    assert "超过上限" in page and Document.objects.count() == 0


def test_no_file_selected_says_so(clerk_client):
    response = clerk_client.post("/upload/", {})
    assert response.status_code == 200
    assert "请至少选择一个文件" in response.content.decode()


def test_upload_names_with_control_chars_and_traversal_are_cleaned(clerk_client):
    post_files(clerk_client, SimpleUploadedFile("../../x\x07y.pdf", build_pdf(["n"])))
    assert Document.objects.get().original_filename == "xy.pdf"


def test_list_fragment_polls_only_while_work_is_pending(clerk_client, clerk):
    Document.objects.create(
        original_filename="p.pdf",
        sha256="a" * 64,
        size=1,
        content_type="application/pdf",
        file="x.pdf",
        uploaded_by=clerk,
    )
    fragment = clerk_client.get("/documents/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="document-list"') and 'hx-trigger="every 2s"' in fragment
    Document.objects.update(status=Document.Status.FAILED, error="PDF 文件已损坏")
    fragment = clerk_client.get("/documents/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "PDF 文件已损坏" in fragment


def test_document_list_uses_a_fixed_number_of_queries(clerk_client, clerk, django_assert_num_queries):
    for i in range(30):
        Document.objects.create(
            original_filename=f"{i}.pdf",
            sha256=f"{i:064d}",
            size=1,
            content_type="application/pdf",
            file=f"{i}.pdf",
            uploaded_by=clerk,
        )
    # session, user, admin-group check, permissions (x2: user and group), documents; and the
    # session saved again (savepoint, update, release: its idle timeout moves on every request)
    with django_assert_num_queries(9):
        clerk_client.get("/documents/", headers={"HX-Request": "true"})


def test_download_returns_the_original_bytes(clerk_client):
    data = build_pdf(["dl"])
    post_files(clerk_client, SimpleUploadedFile("原件.pdf", data))
    doc = Document.objects.get()
    response = clerk_client.get(f"/documents/{doc.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert "attachment" in response["Content-Disposition"]


def test_html_in_filenames_is_escaped(clerk_client):
    page = post_files(clerk_client, SimpleUploadedFile("<img src=x onerror=alert(1)>.pdf", build_pdf(["x"])))
    page = page.content.decode()
    assert "<img src=x" not in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;.pdf") == 2  # the message and the list


def test_interface_is_chinese_whatever_the_browser_says(client):
    page = client.get("/accounts/login/", headers={"Accept-Language": "en-US,en"}).content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page


def test_english_can_be_chosen(clerk_client):
    clerk_client.post("/i18n/setlang/", {"language": "en", "next": "/upload/"})
    page = clerk_client.get("/upload/").content.decode()
    assert '<html lang="en">' in page and ">中文</button>" in page


def test_error_pages_speak_chinese(clerk_client):
    page = clerk_client.get("/documents/999999/")
    assert page.status_code == 404 and "找不到页面" in page.content.decode()
    page = clerk_client.get("/filings/")
    assert page.status_code == 403 and "没有权限" in page.content.decode()


def test_csrf_failure_speaks_chinese(clerk):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(clerk)
    page = strict.post("/upload/", {})
    assert page.status_code == 403 and "安全校验失败" in page.content.decode()
