"""The parser package stays plain Python: no module of it imports Django."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "filings" / "parsing"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_package_has_modules() -> None:
    assert (PACKAGE / "__init__.py").is_file()


def test_no_module_imports_django() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(n for n in _imports(p) if n.split(".")[0] == "django")
        for p in PACKAGE.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
