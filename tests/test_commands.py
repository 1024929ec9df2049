"""Management commands: import_filings (files, folders, zips) and seed_demo."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from filings.models import Document
from tests.pdfmaker import build_pdf

pytestmark = pytest.mark.django_db


def test_import_files_folders_and_zips_deduplicates(tmp_path, clerk):
    folder = tmp_path / "batch"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.pdf").write_bytes(build_pdf(["a"]))
    (folder / "sub" / "b.PDF").write_bytes(build_pdf(["b"]))
    (folder / "readme.txt").write_text("ignored: not .pdf or .zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("c.pdf", build_pdf(["c"]))
        archive.writestr("a-again.pdf", build_pdf(["a"]))
    (tmp_path / "more.zip").write_bytes(buffer.getvalue())
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_filings",
        str(folder),
        str(tmp_path / "more.zip"),
        "--user",
        "clerk",
        stdout=out,
        stderr=err,
        verbosity=0,
    )
    assert "新上传 3 个，已存在 1 个，拒绝 0 个" in out.getvalue()
    assert set(Document.objects.values_list("original_filename", flat=True)) == {"a.pdf", "b.PDF", "c.pdf"}
    assert set(Document.objects.values_list("uploaded_by__username", flat=True)) == {"clerk"}
    # A second run stores nothing new.
    call_command("import_filings", str(folder), stdout=out, stderr=err, verbosity=0)
    assert Document.objects.count() == 3


def test_import_reports_refusals(tmp_path):
    (tmp_path / "fake.pdf").write_bytes(b"not a pdf")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_filings", str(tmp_path / "fake.pdf"), stdout=out, stderr=err, verbosity=0)
    assert "拒绝 1 个" in out.getvalue() and "不是 PDF" in err.getvalue()


def test_import_unknown_path_is_an_error():
    with pytest.raises(CommandError, match="找不到"):
        call_command("import_filings", "/nonexistent/x.pdf")


def test_seed_demo_creates_roles_and_keeps_passwords(tmp_path, role_groups, monkeypatch):
    store = tmp_path / "pw.json"
    monkeypatch.setenv("DEMO_REVIEWER_PASSWORD", "from-env-123")
    call_command("seed_demo", "--password-file", str(store), stdout=io.StringIO())
    saved = json.loads(store.read_text())
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="clerk").has_perm("filings.upload_document")
    assert not User.objects.get(username="reviewer").has_perm("filings.upload_document")
    assert User.objects.get(username="reviewer").check_password("from-env-123")
    assert User.objects.get(username="clerk").check_password(saved["clerk"])
    out = io.StringIO()
    call_command("seed_demo", "--password-file", str(store), stdout=out)
    assert saved["clerk"] in out.getvalue()
    assert User.objects.get(username="clerk").check_password(saved["clerk"])


def test_createsuperuser_noinput_from_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "s3cret-pass-word")
    call_command(
        "createsuperuser", interactive=False, username="root2", email="r@example.org", stdout=io.StringIO()
    )
    assert get_user_model().objects.get(username="root2").check_password("s3cret-pass-word")


def test_default_reviewers_get_new_departments_and_the_dashboard_says_why_it_is_empty(
    tmp_path, role_groups, settings, client, corpus_parse
):
    """bin/run's demo reviewer sees the sample filings; a reviewer of no department is told why."""
    from filings.models import Department
    from tests.test_parsed_storage import store

    settings.DEFAULT_REVIEWERS = ["reviewer"]
    call_command("seed_demo", "--password-file", str(tmp_path / "pw.json"), stdout=io.StringIO())
    reviewer = get_user_model().objects.get(username="reviewer")
    client.force_login(reviewer)
    assert "请管理员在 部门 › 审核员 中分配" in client.get("/filings/").content.decode()
    filing = store(corpus_parse("qiannan-hrss-2025-original")).filing
    assert list(filing.department.reviewers.all()) == [reviewer]
    assert filing.department.name in client.get("/filings/").content.decode()
    # a department read before the reviewer was named gets it at the next seed_demo
    Department.objects.create(name="早先的部门")
    call_command("seed_demo", "--password-file", str(tmp_path / "pw.json"), stdout=io.StringIO())
    assert Department.objects.get(name="早先的部门").reviewers.get() == reviewer
    # without the setting, a new department waits for an admin
    settings.DEFAULT_REVIEWERS = []
    other = store(corpus_parse("zunyi-hrss-2024-adjustment"), "b").filing
    assert not other.department.reviewers.exists()
