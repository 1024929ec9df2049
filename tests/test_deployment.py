"""The deployment files: docker-compose.yml wiring (no Docker engine here) and production settings."""

from __future__ import annotations

import os
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
    assert set(COMPOSE["volumes"]) == {"pgdata", "redisdata", "media"}
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    for name in ("web", "worker", "beat"):
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


def test_without_secret_key_a_local_one_is_made_once_and_kept(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"DEBUG": "0"}
    show = [
        sys.executable,
        "manage.py",
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
    ]
    first = subprocess.run(show, cwd=ROOT, env=env, capture_output=True, text=True)
    second = subprocess.run(show, cwd=ROOT, env=env, capture_output=True, text=True)
    key = first.stdout.strip().splitlines()[-1]
    assert len(key) >= 50 and key == second.stdout.strip().splitlines()[-1]
    assert oct((ROOT / "var" / "secret_key").stat().st_mode & 0o777) == "0o600"
