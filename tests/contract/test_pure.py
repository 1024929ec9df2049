"""The contract package stays pure: no module of it imports Django or pdfplumber.

Its modules may import the standard library and each other, nothing else, so the parser,
the rules and the web application can all share it (as tests/parsing/test_no_django.py
checks for the parser).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .imports import absolute_roots

PACKAGE = Path(__file__).resolve().parents[2] / "budget_filing"
MODULES = sorted(PACKAGE.rglob("*.py"))


def test_package_has_modules() -> None:
    assert (PACKAGE / "__init__.py").is_file()
    assert {"kinds.py", "units.py", "text.py", "values.py"} <= {p.name for p in MODULES}


def test_no_module_imports_django_or_pdfplumber() -> None:
    offenders = {str(p.relative_to(PACKAGE)): absolute_roots(p) & {"django", "pdfplumber"} for p in MODULES}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_standard_library_and_itself() -> None:
    allowed = set(sys.stdlib_module_names) | {"budget_filing"}
    offenders = {str(p.relative_to(PACKAGE)): absolute_roots(p) - allowed for p in MODULES}
    assert {k: v for k, v in offenders.items() if v} == {}
