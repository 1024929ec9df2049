"""Who may open what: anonymous, clerk, reviewer and admin against every URL."""

from __future__ import annotations

import pytest
from django.urls import reverse

from filings.models import Document

pytestmark = pytest.mark.django_db

# role -> expected status; a redirect to the login page is 302 for anonymous.
MATRIX = {
    "login": {"anonymous": 200, "clerk": 200, "reviewer": 200, "admin": 200},
    "home": {"anonymous": 302, "clerk": 302, "reviewer": 302, "admin": 302},
    "upload": {"anonymous": 302, "clerk": 200, "reviewer": 403, "admin": 200},
    "documents": {"anonymous": 302, "clerk": 200, "reviewer": 200, "admin": 200},
    "document": {"anonymous": 302, "clerk": 200, "reviewer": 200, "admin": 200},
    "other_document": {"anonymous": 302, "clerk": 404, "reviewer": 200, "admin": 200},
    "download": {"anonymous": 302, "clerk": 200, "reviewer": 200, "admin": 200},
    "other_download": {"anonymous": 302, "clerk": 404, "reviewer": 200, "admin": 200},
    "admin_index": {"anonymous": 302, "clerk": 302, "reviewer": 302, "admin": 200},
    "admin_documents": {"anonymous": 302, "clerk": 302, "reviewer": 302, "admin": 200},
    "admin_filings": {"anonymous": 302, "clerk": 302, "reviewer": 302, "admin": 200},
    "admin_departments": {"anonymous": 302, "clerk": 302, "reviewer": 302, "admin": 200},
    "admin_tables": {"anonymous": 302, "clerk": 302, "reviewer": 302, "admin": 200},
    "admin_targets": {"anonymous": 302, "clerk": 302, "reviewer": 302, "admin": 200},
    "admin_indicators": {"anonymous": 302, "clerk": 302, "reviewer": 302, "admin": 200},
    "admin_findings": {"anonymous": 302, "clerk": 302, "reviewer": 302, "admin": 200},
}


@pytest.fixture
def documents(clerk, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "mine.pdf").write_bytes(b"%PDF-1.4 mine")
    (tmp_path / "other.pdf").write_bytes(b"%PDF-1.4 other")
    mine = Document.objects.create(
        original_filename="mine.pdf",
        sha256="1" * 64,
        size=1,
        content_type="application/pdf",
        file="mine.pdf",
        uploaded_by=clerk,
    )
    other = Document.objects.create(
        original_filename="other.pdf",
        sha256="2" * 64,
        size=1,
        content_type="application/pdf",
        file="other.pdf",
        uploaded_by=admin_user,
    )
    return mine, other


def url_for(name: str, mine: Document, other: Document) -> str:
    return {
        "login": reverse("login"),
        "home": reverse("home"),
        "upload": reverse("filings:upload"),
        "documents": reverse("filings:documents"),
        "document": reverse("filings:document", args=[mine.pk]),
        "other_document": reverse("filings:document", args=[other.pk]),
        "download": reverse("filings:document_download", args=[mine.pk]),
        "other_download": reverse("filings:document_download", args=[other.pk]),
        "admin_index": reverse("admin:index"),
        "admin_documents": reverse("admin:filings_document_changelist"),
        "admin_filings": reverse("admin:filings_filing_changelist"),
        "admin_departments": reverse("admin:filings_department_changelist"),
        "admin_tables": reverse("admin:filings_parsedtable_changelist"),
        "admin_targets": reverse("admin:filings_performancetarget_changelist"),
        "admin_indicators": reverse("admin:filings_indicator_changelist"),
        "admin_findings": reverse("admin:review_finding_changelist"),
    }[name]


@pytest.mark.parametrize("role", ["anonymous", "clerk", "reviewer", "admin"])
def test_every_url_for_every_role(client, documents, clerk, reviewer, admin_user, role):
    user = {"anonymous": None, "clerk": clerk, "reviewer": reviewer, "admin": admin_user}[role]
    if user:
        client.force_login(user)
    mine, other = documents
    got = {name: client.get(url_for(name, mine, other)).status_code for name in MATRIX}
    assert got == {name: expected[role] for name, expected in MATRIX.items()}


def test_anonymous_is_sent_to_login(client):
    response = client.get("/upload/")
    assert response["Location"].startswith("/accounts/login/?next=/upload/")


def test_reviewer_cannot_post_uploads(client, reviewer):
    client.force_login(reviewer)
    assert client.post("/upload/", {}).status_code == 403


def test_login_with_the_form(client, clerk):
    response = client.post("/accounts/login/", {"username": "clerk", "password": "pw-clerk"})
    assert response.status_code == 302 and response["Location"] == "/"
    bad = client.post("/accounts/login/", {"username": "clerk", "password": "nope"})
    assert "用户名或密码不正确" in bad.content.decode()
