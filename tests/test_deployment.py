"""The deployment files: docker-compose.yml wiring (no Docker engine here) and production settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_compose_has_the_services_with_their_commands():
    assert {"db", "redis", "web", "worker", "beat", "migrate"} <= set(SERVICES)
    assert SERVICES["db"]["image"].startswith("postgres:16")
    assert SERVICES["web"]["command"][0] == "gunicorn" and "config.wsgi" in SERVICES["web"]["command"]
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_compose_healthchecks_and_volumes():
    for name in ("db", "redis", "web", "worker"):
        assert "test" in SERVICES[name]["healthcheck"], name
    assert SERVICES["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert SERVICES["worker"]["depends_on"]["db"]["condition"] == "service_healthy"
    # caddydata keeps the proxy's certificates across restarts (else it asks for new ones).
    assert set(COMPOSE["volumes"]) == {"pgdata", "redisdata", "media", "caddydata", "caddyconfig"}
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    for name in ("web", "worker", "worker-parse", "beat"):
        assert "media:/data/media" in SERVICES[name]["volumes"]


def test_compose_wires_the_app_to_db_and_redis():
    for name in ("web", "worker", "beat", "migrate"):
        env = SERVICES[name]["environment"]
        assert "@db:5432/budget" in env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["MEDIA_ROOT"] == "/data/media"
        assert env["DEBUG"] == "0" and "SECRET_KEY" in env
    db_env = SERVICES["db"]["environment"]
    assert db_env["POSTGRES_DB"] == "budget" and db_env["POSTGRES_USER"] == "budget"


def test_dockerfile_builds_from_the_pinned_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.txt" in dockerfile
    assert "collectstatic" in dockerfile and "USER app" in dockerfile
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            assert "==" in line, f"unpinned requirement: {line}"


def test_production_settings_pass_the_deploy_check():
    env = dict(
        os.environ,
        DEBUG="0",
        SECRET_KEY="x" * 60 + "production-like-secret-key-value",
        ALLOWED_HOSTS="budget.example.org",
        SECURE_COOKIES="1",
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_PRELOAD="1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _without_secret_key() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}


def test_without_debug_a_missing_secret_key_is_an_error():
    show = [
        sys.executable,
        "manage.py",
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
    ]
    refused = subprocess.run(
        show, cwd=ROOT, env=_without_secret_key() | {"DEBUG": "0"}, capture_output=True, text=True
    )
    assert refused.returncode != 0
    assert "SECRET_KEY" in refused.stderr and "ImproperlyConfigured" in refused.stderr
    # DEBUG=1 (a developer's laptop) may still go without one.
    debug = subprocess.run(
        show, cwd=ROOT, env=_without_secret_key() | {"DEBUG": "1"}, capture_output=True, text=True
    )
    assert debug.returncode == 0, debug.stderr


def test_without_a_key_servers_refuse_to_start_but_the_parser_runs():
    """No made-up key: gunicorn's entry point and a worker stop at once; parse_pdf signs
    nothing and prints its budget-filing/1 as always."""
    env = _without_secret_key() | {"DEBUG": "0", "REDIS_URL": "redis://127.0.0.1:1/0"}
    wsgi = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert wsgi.returncode != 0 and "SECRET_KEY" in wsgi.stderr
    worker = subprocess.run(
        [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert worker.returncode != 0 and "SECRET_KEY" in worker.stdout + worker.stderr
    pdf = ROOT / "tests" / "corpus" / "real" / "pdf" / "js-npc-office-2019-budget-tables.pdf"
    parse = subprocess.run(
        [sys.executable, "manage.py", "parse_pdf", str(pdf), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert parse.returncode == 0, parse.stderr
    assert json.loads(parse.stdout)["department"] == "江苏省人大常委会办公厅"


def test_bin_run_makes_its_own_key_once_keeps_it_private_and_passes_it(tmp_path):
    # bin/_lib.sh's local_secret_key, as bin/run calls it, on a var/ of our own.
    script = f'source "{ROOT}/bin/_lib.sh"; VAR="{tmp_path}"; local_secret_key'
    first = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    second = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert len(first) >= 50 and first == second
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    run = (ROOT / "bin" / "run").read_text()
    assert "export SECRET_KEY" in run and "local_secret_key" in run


# --------------------------------------------------------------------------- behind the TLS proxy


def _substitute(value: str, given: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}, with ``given`` as the .env file."""

    def one(match: re.Match[str]) -> str:
        name, op, rest = match.group(1), match.group(2), match.group(3)
        if name in given:
            return given[name]
        if op == ":?":
            raise AssertionError(f"compose needs {name}: {rest}")
        return rest if op == ":-" else ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


# What an operator writes into .env: only what compose demands, nothing that hardens it.
DOT_ENV = {
    "SECRET_KEY": "k" * 30 + "-a-long-random-production-secret-key-value",
    "ALLOWED_HOSTS": "budget.example.org",
    "SITE_ADDRESS": "budget.example.org",
    "POSTGRES_PASSWORD": "pg-secret",
}


def compose_env(service: str) -> dict[str, str]:
    return {k: _substitute(str(v), DOT_ENV) for k, v in SERVICES[service]["environment"].items()}


def test_the_deploy_check_is_silent_with_the_compose_environment():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG"} and not k.startswith("SECURE_")
    }
    env |= compose_env("web")
    # Our test database and a writable media folder instead of the containers' ones.
    env["DATABASE_URL"], env["MEDIA_ROOT"] = os.environ["DATABASE_URL"], os.environ.get("MEDIA_ROOT", "/tmp")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_compose_serves_https_through_a_proxy_and_nothing_else_is_published():
    proxy = SERVICES["proxy"]
    assert proxy["image"].startswith(("caddy:", "nginx:"))
    assert {str(p).split(":")[-1] for p in proxy["ports"]} >= {"80", "443"}
    for name, service in SERVICES.items():
        if name != "proxy":
            assert "ports" not in service, f"{name} is reachable around the proxy"
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    assert any("Caddyfile" in volume for volume in proxy["volumes"])
    env = compose_env("web")
    assert env["SECURE_SSL_REDIRECT"] == "1" and env["SECURE_COOKIES"] == "1"
    assert int(env["SECURE_HSTS_SECONDS"]) >= 31536000
    # The client address axes counts is the proxy's header, and only from the proxy's address.
    proxy_address = proxy["networks"]["front"]["ipv4_address"]
    assert env["TRUSTED_PROXIES"] == proxy_address
