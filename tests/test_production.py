"""bin/run serves as a deployment would, and the admin speaks Chinese (issue 13, items 6 and 7).

bin/run is run for real here, on a var/ and ports of its own: gunicorn with DEBUG off, static
files through WhiteNoise, the Chinese 404 page, and a SIGINT that stops every process it
started even when it was started detached with SIGINT ignored (as `setsid bin/run &` from a
script starts it), which before left the web server and the workers running.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from filings.models import Department
from filings.roles import CLERKS, REVIEWERS
from tests import test_record

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _processes_of(var: Path) -> list[str]:
    """Every process whose environment says it belongs to the bin/run on ``var``."""
    marker = f"VAR={var}\0".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker in (proc / "environ").read_bytes():
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append(f"{proc.name} {command}")
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_bin_run_serves_like_a_deployment_and_stops_everything_on_sigint(tmp_path):
    # A var/ of its own that outlives the test (TEST_VAR): a second run reuses the cluster.
    var = Path(os.environ.get("TEST_VAR", tmp_path)) / "bin-run"
    port = _free_port()
    # Nothing of bin/test's servers and test settings: bin/run makes its own.
    ours = {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "MEDIA_ROOT", "STATIC_ROOT"}
    env = {key: value for key, value in os.environ.items() if key not in ours | {"FAST_PASSWORD_HASHER"}}
    env |= {
        "VAR": str(var),
        "PORT": str(port),
        "PG_PORT": str(_free_port()),
        "REDIS_PORT": str(_free_port()),
        "PARSE_CONCURRENCY": "1",
        "WEB_CONCURRENCY": "1",
    }
    log = (tmp_path / "bin-run.log").open("wb")
    started = time.monotonic()
    run = subprocess.Popen(
        [str(ROOT / "bin" / "run")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # detached, as setsid does
        preexec_fn=_ignore_sigint,  # as a shell's background job inherits it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while _get_or_none(base + "/accounts/login/") != 200:
            assert run.poll() is None, (tmp_path / "bin-run.log").read_text()
            assert time.monotonic() - started < 300, "bin/run did not answer in 300 s"
            time.sleep(0.5)
        print(f"bin/run answered after {time.monotonic() - started:.1f} s")

        status, headers, body = _get(base + "/no-such-page/")
        assert status == 404 and headers["Server"].startswith("gunicorn")
        assert "找不到页面（404）" in body and "您要找的页面不存在" in body
        # No debug page and no English left on it.
        assert "Page not found" not in body and "DEBUG" not in body and "Budget Review" not in body
        assert not re.search(r"[A-Za-z]{4,}", re.sub(r"<[^>]*>", "", body).replace("English", ""))

        status, _, login = _get(base + "/accounts/login/")
        css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', login)
        assert css, "static files are not the collected, hashed ones (DEBUG on?)"
        status, headers, _ = _get(base + css.group(1))
        assert status == 200 and "immutable" in headers["Cache-Control"]  # WhiteNoise's answer

        assert _processes_of(var), "bin/run's processes cannot be found by their VAR"
        running = _processes_of(var)
        workers = {line.split("--hostname ")[1].split("@")[0] for line in running if "--hostname" in line}
        assert workers == {"parse", "ocr", "default"}
    finally:
        stopped = time.monotonic()
        run.send_signal(signal.SIGINT)
        try:
            run.wait(timeout=60)
        except subprocess.TimeoutExpired:
            run.kill()
            raise
        finally:
            log.close()
    print(f"bin/run stopped after {time.monotonic() - stopped:.1f} s")
    deadline = time.monotonic() + 10
    while (left := _processes_of(var)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, f"left running after SIGINT: {left}"
    assert _get_or_none(base + "/accounts/login/") is None


def _get_or_none(url: str) -> int | None:
    try:
        return _get(url)[0]
    except OSError:
        return None


def test_bin_run_has_a_dev_mode_and_serves_with_gunicorn_otherwise():
    run = (ROOT / "bin" / "run").read_text()
    assert "--dev) DEV=1" in run and 'export DEBUG="$DEV"' in run
    assert "gunicorn" in run and "collectstatic" in run
    assert '--queues ocr --concurrency "${OCR_CONCURRENCY:-1}"' in run
    help_text = subprocess.run(
        [str(ROOT / "bin" / "run"), "--help"], capture_output=True, text=True, timeout=30, check=True
    )
    assert "--dev" in help_text.stdout
    wrong = subprocess.run([str(ROOT / "bin" / "run"), "--prod"], capture_output=True, text=True, timeout=30)
    assert wrong.returncode == 2 and "unknown argument" in wrong.stderr


# --------------------------------------------------------------------------- the admin in Chinese


@pytest.fixture
def admin_client(client, admin_user):  # type: ignore[no-untyped-def]
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
def test_the_admin_pages_are_titled_as_the_site(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "<title>系统管理 · 预算审核</title>" in page
    assert "Django" not in page and "Budget Review" not in page
    page = admin_client.get("/admin/filings/department/").content.decode()
    assert "· 预算审核</title>" in page


@pytest.mark.django_db
def test_the_login_lock_models_are_named_in_chinese(admin_client):
    index = admin_client.get("/admin/").content.decode()
    assert "登录保护" in index and "登录失败统计" in index and "登录记录" in index
    assert not re.search(r"(?i)access (attempt|log|failure)|>Axes<", index)
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=5, http_accept="*")
    page = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "用户名" in page and "IP 地址" in page and "失败次数" in page
    assert not re.search(r"Attempt Time|Failed Logins|IP Address|Locked Out", page)


@pytest.mark.django_db
def test_the_reviewer_widget_lists_reviewers_only(admin_client, reviewer, clerk, django_user_model):
    department = Department.objects.create(name="测试局")
    idle = django_user_model.objects.create_user(username="nobody", password="x")
    page = admin_client.get(reverse("admin:filings_department_change", args=[department.pk])).content.decode()
    widget = page[page.index('name="reviewers"') :]
    widget = widget[: widget.index("</select>")]
    options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', widget)
    assert options == ["reviewer"], options  # not the clerk, the admin or a user without a role
    assert idle.username not in widget and clerk.username not in widget
    # A clerk cannot be made a reviewer by posting the form either.
    response = admin_client.post(
        reverse("admin:filings_department_change", args=[department.pk]),
        {"name": department.name, "reviewers": [clerk.pk]},
    )
    assert response.status_code == 200 and not department.reviewers.exists()
    response = admin_client.post(
        reverse("admin:filings_department_change", args=[department.pk]),
        {"name": department.name, "reviewers": [reviewer.pk]},
    )
    assert response.status_code == 302 and list(department.reviewers.all()) == [reviewer]
    assert Group.objects.get(name=REVIEWERS).user_set.filter(pk=reviewer.pk).exists()
    assert not Group.objects.get(name=CLERKS).user_set.filter(pk=reviewer.pk).exists()


@pytest.mark.django_db
def test_the_select_widget_speaks_chinese(admin_client):
    catalog = admin_client.get("/admin/jsi18n/").content.decode()
    for text in ("选择全部%s", "移除全部%s", "选中要选择的%s，然后点击“选择”箭头按钮。"):
        assert text.encode("unicode_escape").decode() in catalog or text in catalog, text


@pytest.mark.django_db
def test_role_forms_list_permissions_by_chinese_names(admin_client):
    group = Group.objects.get(name=REVIEWERS)
    page = admin_client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    options = re.findall(r"<option [^>]*>([^<]+)</option>", page)
    assert "登录保护 | 可以增加登录失败统计" in options and "预算文件 | 可以审核预算文件" in options
    assert any(o.endswith("的历史记录") for o in options)
    assert not [o for o in options if re.search(r"Can (add|change|delete|view)|historical", o)]


# Labels that are names in their own right.
ALLOWED_LATIN = re.compile(r"SHA-256|IP|HTTP Accept|GET|POST|OCR|PDF|Celery")

test_filing = test_record.filing  # some rows for the changelists' columns


@pytest.mark.django_db
def test_no_admin_form_or_column_is_labelled_in_english(admin_client, test_filing):
    from django.contrib import admin

    english = {}
    for model in admin.site._registry:
        opts = model._meta
        pages = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
        if admin.site._registry[model].has_add_permission(_request(admin_client)):
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        for url in pages:
            page = admin_client.get(url).content.decode()
            labels = re.findall(r"<label[^>]*>(.*?)</label>", page, flags=re.S)
            labels += re.findall(r'<th scope="col"[^>]*>(.*?)</th>', page, flags=re.S)
            for label in labels:
                text = ALLOWED_LATIN.sub("", re.sub(r"<[^>]+>", "", label)).strip()
                if re.search(r"[A-Za-z]{3,}", text):
                    english.setdefault(url, []).append(text)
    assert english == {}


def _request(client):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username="boss")
    return request


# --------------------------------------------------------------------------- error pages


@pytest.mark.django_db
def test_a_mistyped_address_answers_the_chinese_404_page(client, clerk, settings):
    assert settings.DEBUG is False  # as bin/run and bin/test serve
    client.force_login(clerk)
    response = client.get("/documnets/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>找不到页面 · 预算审核</title>" in page and "找不到页面（404）" in page
    assert "Page not found" not in page and "Budget Review" not in page


def test_a_server_error_answers_the_chinese_500_page():
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and "服务器出错（500）" in page and 'lang="zh-hans"' in page
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"<[^>]*>", "", page))
