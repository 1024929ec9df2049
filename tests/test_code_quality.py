"""Lint and type checks run with the suite, so CI enforces them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean():
    result = run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_on_contract_parser_and_rules():
    targets = [t for t in ("budget_filing", "filings/parsing", "review/rules") if (ROOT / t).is_dir()]
    result = run(str(BIN / "mypy"), *targets)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_on_the_django_half_finds_nothing_beyond_its_baseline():
    """The Django half has a baseline of known errors (file and message, lines drift); it only shrinks.

    A fixed error must leave the baseline too, so it cannot come back unnoticed.
    """
    import re

    result = run(str(BIN / "mypy"), "config", "filings", "review")
    found = sorted(
        re.sub(r"^([^:]+):\d+: error: ", r"\1: ", line)
        for line in result.stdout.splitlines()
        if ": error: " in line
    )
    baseline = (ROOT / "mypy-baseline.txt").read_text(encoding="utf-8").splitlines()
    assert [e for e in found if e not in baseline] == [], "new mypy errors"
    assert [e for e in baseline if e not in found] == [], "fixed: remove them from mypy-baseline.txt"


def test_no_model_change_lacks_a_migration():
    result = run(sys.executable, "manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
