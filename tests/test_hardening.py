"""Issue 11, item 10: the small leaks of an authenticated session, and pdfium kept out of the web process.

- a duplicate upload names and links another user's document only when that user may see it;
- every authenticated page answers ``Cache-Control: private, no-store``;
- a session ends after SESSION_IDLE_SECONDS without a request (the cookie's age is renewed on each);
- django-axes locks a user name tried from many addresses, and an address trying many user
  names; the proxy's client-address header counts only when the request comes from the proxy;
- page images are rendered by a child process with a time limit, never by pdfium in this one.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from filings.models import Document
from filings.services import document_upload
from filings.uploads import candidates_from_bytes
from tests.pdfmaker import build_pdf

pytestmark = pytest.mark.django_db


def _upload(client, name: str, data: bytes) -> str:
    response = client.post("/upload/", {"files": [SimpleUploadedFile(name, data)]})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


# --------------------------------------------------------------------------- duplicates


def test_a_duplicate_of_another_users_file_names_nothing_of_theirs(client, clerk, django_user_model):
    from django.contrib.auth.models import Group

    other = django_user_model.objects.create_user(username="other-clerk", password="pw")
    other.groups.add(Group.objects.get(name="录入员"))
    data = build_pdf(["t1"])
    (candidate,) = candidates_from_bytes("他人机密文件名.pdf", data)
    theirs = document_upload(candidate=candidate, uploaded_by=other).document
    client.force_login(clerk)
    page = _upload(client, "我的副本.pdf", data)
    assert "我的副本.pdf：相同内容的文件已经上传过" in page
    assert "他人机密文件名" not in page
    assert f"/documents/{theirs.pk}/" not in page
    # Their own duplicate still links to what they can open.
    client.force_login(other)
    page = _upload(client, "再传一次.pdf", data)
    assert "他人机密文件名" in page and f"/documents/{theirs.pk}/" in page
    assert Document.objects.count() == 1


# --------------------------------------------------------------------------- caching and sessions


def test_authenticated_pages_are_never_stored_by_a_cache(clerk_client):
    for url in ("/upload/", "/documents/"):
        response = clerk_client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, (url, response["Cache-Control"])


def test_the_session_cookie_is_renewed_on_each_request_and_lasts_the_idle_timeout(clerk_client, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600  # the default of SESSION_IDLE_SECONDS
    assert settings.SESSION_SAVE_EVERY_REQUEST
    for _ in range(2):  # not only at login: every request pushes the expiry forward
        response = clerk_client.get("/upload/")
        assert int(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"]) == 8 * 3600


def test_an_idle_session_is_over(clerk_client, settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert clerk_client.get("/upload/").status_code == 200
    key = clerk_client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    response = clerk_client.get("/upload/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --------------------------------------------------------------------------- login throttling


def _login(client, username: str, password: str, address: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_a_user_name_sprayed_from_many_addresses_is_locked(client, clerk):
    for n in range(5):
        _login(client, "clerk", "wrong", f"198.51.100.{n + 1}")
    locked = _login(client, "clerk", "pw-clerk", "203.0.113.7")
    assert locked.status_code == 429 and "锁定" in locked.content.decode()


def test_an_address_spraying_many_user_names_is_locked(client, clerk):
    for n in range(5):
        _login(client, f"guess-{n}", "wrong", "198.51.100.9")
    locked = _login(client, "clerk", "pw-clerk", "198.51.100.9")
    assert locked.status_code == 429 and "锁定" in locked.content.decode()
    # Someone else, from elsewhere, still gets in.
    assert _login(client, "clerk", "pw-clerk", "203.0.113.8").status_code == 302


def test_the_forwarded_address_counts_only_from_the_trusted_proxy(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXIES = ["10.9.0.2"]
    factory = RequestFactory()
    via_proxy = factory.post(
        "/accounts/login/", REMOTE_ADDR="10.9.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )
    # The proxy appends the address it saw last; anything before it is what the client claimed.
    assert get_client_ip_address(via_proxy) == "203.0.113.5"
    direct = factory.post("/accounts/login/", REMOTE_ADDR="198.51.100.3", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert get_client_ip_address(direct) == "198.51.100.3"


def test_forged_forwarded_addresses_do_not_escape_the_address_lock(client, clerk, settings):
    settings.TRUSTED_PROXIES = ["10.9.0.2"]
    for n in range(5):
        _login(client, f"guess-{n}", "wrong", "198.51.100.20", forwarded=f"192.0.2.{n + 1}")
    locked = _login(client, "clerk", "pw-clerk", "198.51.100.20", forwarded="192.0.2.99")
    assert locked.status_code == 429


# --------------------------------------------------------------------------- page rendering


@pytest.fixture
def stored_document(clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (candidate,) = candidates_from_bytes("页面.pdf", build_pdf(["page one", "page two"]))
    return document_upload(candidate=candidate, uploaded_by=clerk).document


def test_page_images_are_rendered_outside_the_web_process(stored_document, monkeypatch):
    import pypdfium2

    from review.pages import page_image

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("pdfium opened an uploaded PDF inside the web process")

    monkeypatch.setattr(pypdfium2, "PdfDocument", refuse)
    png, size = page_image(stored_document, 2)
    assert png.read_bytes().startswith(b"\x89PNG") and size["width"] == pytest.approx(595)
    with pytest.raises(IndexError):
        page_image(stored_document, 3)


def test_a_render_past_its_time_limit_is_stopped_with_a_message(stored_document, settings):
    from review.pages import RenderFailed, page_image

    settings.PAGE_RENDER_SECONDS = 0.001  # less than a child needs to start: it is always too late
    with pytest.raises(RenderFailed, match="超时"):
        page_image(stored_document, 1)


def test_a_render_past_its_memory_limit_is_stopped_with_a_message(stored_document, settings):
    from review.pages import RenderFailed, page_image

    settings.PAGE_RENDER_MEMORY_MB = 15  # less than Python and pdfium need: the child dies
    with pytest.raises(RenderFailed, match="内存"):
        page_image(stored_document, 1)
    settings.PAGE_RENDER_MEMORY_MB = 1024
    png, _ = page_image(stored_document, 1)  # nothing half-written was left in the cache's place
    assert png.read_bytes().startswith(b"\x89PNG")
