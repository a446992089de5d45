"""Imports resolve to qualified names, relative imports to the module's own package."""

from __future__ import annotations

import ast

import pytest

from sessionsafe.lint.analysis.names import ImportTable, dotted_name, resolve_relative

from .helpers import model_of, node_at


@pytest.mark.parametrize(
    ("imports", "expression", "qualified"),
    [
        ("import sqlalchemy as sa", "sa.orm.Session", "sqlalchemy.orm.Session"),
        ("from sqlalchemy.orm import Session as S", "S", "sqlalchemy.orm.Session"),
        ("from sqlalchemy import exc", "exc.IntegrityError", "sqlalchemy.exc.IntegrityError"),
        ("import sqlalchemy.orm", "sqlalchemy.orm.Session", "sqlalchemy.orm.Session"),
        ("from .db import SessionLocal", "SessionLocal", "app.services.db.SessionLocal"),
        ("from ..core.db import get_db", "get_db", "app.core.db.get_db"),
        ("x = 1", "Session", "Session"),
    ],
)
def test_names_resolve_through_imports(imports: str, expression: str, qualified: str) -> None:
    """Aliases, submodule imports and relative imports give the qualified name."""
    model = model_of(f"{imports}\n{expression}\n", path="app/services/users.py")
    assert model.qualified_name(node_at(model, expression)) == qualified


def test_relative_import_in_a_package_init_resolves_against_the_package() -> None:
    """`from .db import x` in `app/__init__.py` means `app.db.x`."""
    assert resolve_relative("app", True, 1, "db") == "app.db"
    assert resolve_relative("app.api", False, 1, None) == "app"


def test_imports_inside_functions_are_recorded_when_the_function_is_walked() -> None:
    """A deferred `from app.db import SessionLocal` inside a task is still understood."""
    model = model_of(
        """
        def task():
            from app.db import SessionLocal
            with SessionLocal() as session:
                session.commit()
        """
    )
    call = node_at(model, "session.commit()")
    assert model.function_at(call) is not None
    assert model.imports.origin("SessionLocal") == "app.db.SessionLocal"


def test_dotted_name_is_none_for_calls_and_subscripts() -> None:
    """Only pure name chains have a dotted name."""
    assert dotted_name(ast.parse("a.b.c", mode="eval").body) == "a.b.c"
    assert dotted_name(ast.parse("a().b", mode="eval").body) is None
    assert ImportTable().qualified_name(ast.parse("x[0]", mode="eval").body) is None
