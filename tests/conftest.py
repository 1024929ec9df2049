"""Shared fixtures: users per role, and a real Celery worker against the test database.

``bin/test`` starts the PostgreSQL and Redis these use; nothing here is mocked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Django imports stay inside fixtures: the parser and rule tests run without Django.

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"


# Every tab of a filing page that has all table kinds (zunyi, anshun).
FILING_TABS = ("summary", "functional", "projects", "transfers", "targets", "findings", "compare", "history")
CORPUS_NAMES = sorted(p.stem for p in (CORPUS / "pdf").glob("*.pdf"))


@pytest.fixture(scope="session")
def corpus_parse() -> Callable[[str], dict]:
    """name -> the parser's output for that corpus PDF, each parsed once per session."""
    from filings.parsing import parse_pdf

    cache: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in cache:
            cache[name] = parse_pdf(CORPUS / "pdf" / f"{name}.pdf")
        return cache[name]

    return get


REAL = CORPUS / "real"
# the real 部门预算公开 packages that come with truth; the 决算 has none
REAL_NAMES = sorted(p.stem[: -len(".anomalies")] for p in (REAL / "truth").glob("*.anomalies.json"))


@pytest.fixture(scope="session")
def real_parse() -> Callable[[str], dict]:
    """name -> the parser's output for a real filing in tests/corpus/real/pdf, parsed once per session."""
    from filings.parsing import parse_pdf

    cache: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in cache:
            cache[name] = parse_pdf(REAL / "pdf" / f"{name}.pdf")
        return cache[name]

    return get


@pytest.fixture(scope="session")
def scorer():  # type: ignore[no-untyped-def]
    """tests/tools/score_filing.py (copied from the shared corpus tools), imported from its path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "score_filing", ROOT / "tests" / "tools" / "score_filing.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_filing"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def role_groups(db: None) -> None:
    # Transactional tests flush the tables the data migration filled; put the roles back.
    from django.contrib.auth.models import Group, Permission

    from filings import roles

    roles.ensure_role_groups(Group, Permission)


def _make_user(django_user_model, username: str, group: str | None, **extra):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username=username, password="pw-" + username, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def clerk(role_groups, django_user_model):  # type: ignore[no-untyped-def]
    return _make_user(django_user_model, "clerk", "录入员")


@pytest.fixture
def reviewer(role_groups, django_user_model):  # type: ignore[no-untyped-def]
    return _make_user(django_user_model, "reviewer", "审核员")


@pytest.fixture
def admin_user(role_groups, django_user_model):  # type: ignore[no-untyped-def]
    return _make_user(django_user_model, "boss", "管理员", is_staff=True, is_superuser=True)


@pytest.fixture
def make_reviewer(role_groups, django_user_model):  # type: ignore[no-untyped-def]
    """A reviewer assigned to ``department`` (a Department)."""

    def make(username: str, department):  # type: ignore[no-untyped-def]
        user = _make_user(django_user_model, username, "审核员")
        department.reviewers.add(user)
        return user

    return make


@pytest.fixture
def clerk_client(client, clerk):  # type: ignore[no-untyped-def]
    client.force_login(clerk)
    return client


def _worker_env(db_name: str) -> dict[str, str]:
    import dj_database_url

    env = dict(os.environ)
    parsed = dj_database_url.parse(os.environ["DATABASE_URL"])
    env["DATABASE_URL"] = f"postgres://{parsed['USER']}@{parsed['HOST']}:{parsed['PORT']}/{db_name}"
    env["CONN_MAX_AGE"] = "0"
    return env


def _test_db_name(django_db_blocker) -> str:  # type: ignore[no-untyped-def]
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.settings_dict["NAME"]


def _spawn(args: list[str], log_name: str, db_name: str) -> subprocess.Popen[bytes]:
    """A server process on the test database; its output goes beside the test media."""
    logs = Path(os.environ.get("MEDIA_ROOT", ROOT / "var" / "test" / "media")).parent
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / log_name).open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=_worker_env(db_name),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_until_up(
    proc: subprocess.Popen[bytes], ready: Callable[[], bool], what: str, seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"{what} did not start; see its log beside the test media")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[subprocess.Popen[bytes]]:
    """One real worker process for the session, on the test database and the test Redis."""
    from config.celery import app

    app.connection_for_write().default_channel.client.flushdb()  # no tasks left from earlier runs
    proc = _spawn(
        [
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            # Every queue, as bin/run's workers together: the parses, the scans and everything else.
            "--queues",
            "celery,parse,ocr",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "test@%h",
        ],
        "worker.log",
        _test_db_name(django_db_blocker),
    )
    _wait_until_up(proc, lambda: bool(app.control.ping(timeout=0.5)), "the Celery worker", 60)
    yield proc
    _stop(proc)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    import urllib.request

    try:
        urllib.request.urlopen(url, timeout=2)
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def app_server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The app served by gunicorn (as in production, static files by WhiteNoise) on the test DB."""
    port = _free_port()
    proc = _spawn(
        [
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "60",
        ],
        "gunicorn.log",
        _test_db_name(django_db_blocker),
    )
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(proc, lambda: _answers(url + "/accounts/login/"), "gunicorn", 60)
    yield url
    _stop(proc)


WORKER_FIXTURES = {"celery_worker", "spawn_worker", "app_server"}


@pytest.fixture(autouse=True)
def _workers_idle_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used a worker, wait until its tasks are done before the tables are flushed.

    A test may end while the worker still parses, or runs the rules on commit; the flush's
    TRUNCATE would then deadlock with that transaction and leave rows for the next test.
    """
    yield
    if not WORKER_FIXTURES & set(request.fixturenames):
        return
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            inspector = app.control.inspect(timeout=0.5)
            busy = [*(inspector.active() or {}).values(), *(inspector.reserved() or {}).values()]
        except Exception:  # the broker is down (a fault test): nothing can be running from it
            return
        if not any(busy):
            return
        time.sleep(0.2)


@pytest.fixture
def wait_for() -> Callable[..., None]:
    def wait(condition: Callable[[], bool], timeout: float = 60, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout}s waiting for {what}")
            time.sleep(0.1)

    return wait
