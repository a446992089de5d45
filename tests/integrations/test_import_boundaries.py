"""Each integration imports only its own framework (plus SQLAlchemy and the runtime)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FRAMEWORKS = {"fastapi", "starlette", "flask", "flask_sqlalchemy", "celery", "pytest"}

ALLOWED = {
    "sessionsafe.integrations.fastapi": {"fastapi", "starlette"},  # FastAPI is built on Starlette
    "sessionsafe.integrations.starlette": {"starlette"},
    "sessionsafe.integrations.flask": {"flask"},
    "sessionsafe.integrations.celery": {"celery"},
    "sessionsafe.pytest_plugin": {"pytest"},
}


def frameworks_imported_by(module: str) -> set[str]:
    program = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(completed.stdout)) & FRAMEWORKS


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_integration_imports_only_its_own_framework(module: str) -> None:
    assert frameworks_imported_by(module) <= ALLOWED[module]


def test_integrations_package_imports_no_framework() -> None:
    assert frameworks_imported_by("sessionsafe.integrations") == set()
