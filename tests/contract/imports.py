"""What a module imports, read from its source: for the tests that keep packages pure."""

from __future__ import annotations

import ast
from pathlib import Path


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """(module, level) of every import in the file at `path`; level > 0 is a relative import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = list(ast.walk(tree))
    found = [(alias.name, 0) for node in nodes if isinstance(node, ast.Import) for alias in node.names]
    found += [(node.module or "", node.level) for node in nodes if isinstance(node, ast.ImportFrom)]
    return found


def absolute_roots(path: Path) -> set[str]:
    """The top-level packages the file at `path` imports (`django` for `django.db.models`)."""
    return {module.split(".")[0] for module, level in imported_modules(path) if level == 0 and module}
