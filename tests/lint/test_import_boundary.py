"""The analyzer (`sessionsafe.lint`) imports only the standard library and itself."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import sessionsafe.lint

LINT = Path(sessionsafe.lint.__file__).parent
ALLOWED_PREFIXES = ("sessionsafe.lint", "__future__")
MODULES = sorted(LINT.rglob("*.py"))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(LINT)))
def test_lint_module_imports_only_stdlib_and_sessionsafe_lint(path: Path) -> None:
    """No module under sessionsafe/lint imports a third-party package or the runtime."""
    foreign = {
        name
        for name in _imported_modules(path)
        if name != "sessionsafe"  # the root package holds only `__version__`
        and not name.startswith(ALLOWED_PREFIXES)
        and name.split(".")[0] not in sys.stdlib_module_names
        and name.split(".")[0] != "tomli"  # the TOML reader on Python 3.10 only
    }
    assert foreign == set()


def test_importing_the_engine_loads_no_sqlalchemy() -> None:
    """A fresh interpreter that imports the engine has no sqlalchemy in sys.modules."""
    code = (
        "import sys, sessionsafe.lint.engine, sessionsafe.lint.rules;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'sqlalchemy', 'fastapi', 'flask', 'celery', 'sessionsafe'} "
        "and not m.startswith('sessionsafe.lint') and m != 'sessionsafe'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
