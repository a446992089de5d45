"""Session lifetimes: new sessions, closed on every path, escapes, shared instances."""

from __future__ import annotations

import ast

import pytest

from sessionsafe.lint.analysis import lifetimes

from .helpers import model_of


def _unclosed_lines(body: str) -> list[int]:
    model = model_of(
        "from contextlib import closing\n"
        "from sqlalchemy.orm import Session\n"
        "from app.db import SessionLocal\n\n"
        f"def work(engine, stack):\n{body}\n"
    )
    function = model.structure.functions["work"]
    return [call.lineno for call in lifetimes.unclosed_creations(model, function)]


@pytest.mark.parametrize(
    ("body", "unclosed"),
    [
        ("    session = SessionLocal()\n    session.execute(q)", True),
        ("    session = SessionLocal()\n    session.execute(q)\n    session.close()", True),
        (
            "    session = SessionLocal()\n    try:\n"
            "        session.execute(q)\n    finally:\n        session.close()",
            False,
        ),
        ("    with SessionLocal() as session:\n        session.execute(q)", False),
        ("    with closing(SessionLocal()) as session:\n        session.execute(q)", False),
        ("    session = stack.enter_context(SessionLocal())", False),
        ("    session = SessionLocal()\n    return session", False),
        ("    session = SessionLocal()\n    return session.scalar(q)", True),
        ("    session = SessionLocal()\n    yield session", True),
        ("    session = SessionLocal()\n    self.session = session", False),
        ("    return SessionLocal().query(X).first()", True),
        ("    session = Session(bind=connection)\n    session.execute(q)", False),
        ("    session = Session(engine)\n    session.execute(q)", True),
        (
            "    session = SessionLocal()\n    try:\n        session.execute(q)\n"
            "    except Exception:\n        session.close()\n        raise\n    session.close()",
            False,
        ),
    ],
)
def test_which_created_sessions_are_not_closed_on_every_path(body: str, unclosed: bool) -> None:
    assert bool(_unclosed_lines(body)) is unclosed


def test_a_fixture_closing_after_its_yield_closes_on_every_path() -> None:
    model = model_of(
        """
        import pytest
        from app.db import SessionLocal

        @pytest.fixture
        def db():
            session = SessionLocal()
            yield session
            session.close()
        """
    )
    function = model.structure.functions["db"]
    assert lifetimes.unclosed_creations(model, function) == []


def test_a_scoped_registry_call_is_not_a_new_session() -> None:
    model = model_of(
        """
        from sqlalchemy.orm import scoped_session, sessionmaker

        db_session = scoped_session(sessionmaker())

        def view():
            session = db_session()
            return session.query(X).all()
        """
    )
    call = next(
        node
        for node in ast.walk(model.tree)
        if isinstance(node, ast.Call) and ast.unparse(node) == "db_session()"
    )
    assert not lifetimes.creates_new_session(model, call)


@pytest.mark.parametrize(
    ("source", "shared"),
    [
        (
            "session = SessionLocal()\n\ndef f():\n    return session.query(X).all()",
            ["SessionLocal()"],
        ),
        ("session = SessionLocal()\nsession.query(X).all()", []),
        ("session = SessionLocal()", ["SessionLocal()"]),
        ("Factory = sessionmaker()\n\ndef f():\n    with Factory() as s:\n        s.query(X)", []),
        ("class Repo:\n    session = SessionLocal()", ["SessionLocal()"]),
        (
            "_s = None\n\ndef get():\n"
            "    global _s\n    if _s is None:\n        _s = SessionLocal()\n    return _s",
            ["SessionLocal()"],
        ),
        ("@lru_cache\ndef get():\n    return SessionLocal()", ["SessionLocal()"]),
        (
            "app = FastAPI()\n\ndef startup():\n    app.state.db = SessionLocal()",
            ["SessionLocal()"],
        ),
        ("def middleware(request):\n    request.state.db = SessionLocal()", []),
    ],
)
def test_which_session_instances_are_shared(source: str, shared: list[str]) -> None:
    model = model_of(
        "from functools import lru_cache\n"
        "from fastapi import FastAPI\n"
        "from sqlalchemy.orm import sessionmaker\n"
        "from app.db import SessionLocal\n\n" + source + "\n"
    )
    assert [ast.unparse(call) for call in lifetimes.shared_creations(model)] == shared


@pytest.mark.parametrize(
    ("provider", "new"),
    [
        ("def create_session():\n    return SessionLocal()", True),
        ("def create_session():\n    session = SessionLocal()\n    return session", True),
        ("@lru_cache\ndef create_session():\n    return SessionLocal()", False),
        (
            "_s = None\n\ndef create_session():\n"
            "    global _s\n    _s = SessionLocal()\n    return _s",
            False,
        ),
        ("def create_session():\n    return scoped()", False),
    ],
)
def test_a_function_returning_a_fresh_session_creates_one_for_its_caller(
    provider: str, new: bool
) -> None:
    model = model_of(
        "from functools import lru_cache\n"
        "from sqlalchemy.orm import scoped_session\n"
        "from app.db import SessionLocal\n\n"
        "scoped = scoped_session(SessionLocal)\n\n" + provider + "\n\n"
        "def use():\n    return create_session()\n"
    )
    call = next(
        node
        for node in ast.walk(model.tree)
        if isinstance(node, ast.Call) and ast.unparse(node) == "create_session()"
    )
    assert lifetimes.creates_new_session(model, call) is new
