"""What counts as a session (DESIGN.md), and what does not."""

from __future__ import annotations

import ast

import pytest

from sessionsafe.lint.analysis import SessionKind

from .helpers import model_of


def session_named(source: str, receiver: str) -> tuple[SessionKind, bool] | None:
    """(kind, is_async) of the session `receiver` in `<receiver>.commit()`, or None."""
    model = model_of(source)
    call = next(
        node
        for node in ast.walk(model.tree)
        if isinstance(node, ast.Call)
        and (ast.get_source_segment(model.source, node) or "").startswith(f"{receiver}.commit(")
    )
    assert isinstance(call, ast.Call)
    ref = model.session_receiver(call)
    return None if ref is None else (ref.kind, ref.is_async)


@pytest.mark.parametrize(
    ("source", "receiver", "expected"),
    [
        (
            "from sqlalchemy.orm import Session\ndef f(engine):\n    s = Session(engine)\n"
            "    s.commit()\n",
            "s",
            (SessionKind.CREATED, False),
        ),
        (
            "import sqlalchemy as sa\nF = sa.orm.sessionmaker()\ndef f():\n"
            "    with F() as s:\n        s.commit()\n",
            "s",
            (SessionKind.CREATED, False),
        ),
        (
            "from sqlalchemy.ext.asyncio import async_sessionmaker\nF = async_sessionmaker()\n"
            "async def f():\n    async with F.begin() as s:\n        await s.commit()\n",
            "s",
            (SessionKind.CREATED, True),
        ),
        (
            "from typing import Optional\nfrom sqlalchemy.orm import Session\n"
            "def f(db: Optional[Session] = None):\n    db.commit()\n",
            "db",
            (SessionKind.PARAMETER, False),
        ),
        (
            "def f(db: 'AsyncSession'):\n    db.commit()\n"
            "from sqlalchemy.ext.asyncio import AsyncSession\n",
            "db",
            (SessionKind.PARAMETER, True),
        ),
        (
            "from typing import Annotated\nfrom fastapi import Depends\n"
            "from sqlalchemy.orm import Session\n"
            "def f(db: Annotated[Session, Depends(get_db)]):\n    db.commit()\n",
            "db",
            (SessionKind.INJECTED, False),
        ),
        (
            "from sqlmodel import Session\ndef f(session: Session):\n    session.commit()\n",
            "session",
            (SessionKind.PARAMETER, False),
        ),
        (
            "from app import db\ndef f():\n    db.session.commit()\n",
            "db.session",
            (SessionKind.SCOPED, False),
        ),
        (
            "from sqlalchemy.orm import scoped_session, sessionmaker\n"
            "Session = scoped_session(sessionmaker())\ndef f():\n    Session.commit()\n",
            "Session",
            (SessionKind.SCOPED, False),
        ),
        (
            "from sqlalchemy.orm import Session\nclass Repo:\n"
            "    def __init__(self, session: Session):\n        self.session = session\n"
            "    def save(self):\n        self.session.commit()\n",
            "self.session",
            (SessionKind.ATTRIBUTE, False),
        ),
        (
            "from app.db import SessionLocal\ndef f():\n    s = SessionLocal()\n    s.commit()\n",
            "s",
            (SessionKind.CREATED, False),
        ),
        (
            "import sqlalchemy\ndef f(session, obj):\n    session.add(obj)\n    session.commit()\n",
            "session",
            (SessionKind.PARAMETER, False),
        ),
        (
            "import sqlalchemy\ndef f(db, obj):\n    db.query(obj).delete()\n    db.commit()\n",
            "db",
            (SessionKind.PARAMETER, False),
        ),
        (
            "class API(MethodView):\n    def __init__(self, session):\n"
            "        self.session = session\n    def get(self):\n"
            "        return self.session.query(User).all()\n"
            "    def post(self):\n        self.session.commit()\n",
            "self.session",
            (SessionKind.ATTRIBUTE, False),
        ),
        (
            "def f(db_session, obj):\n    db_session.commit()\n",
            "db_session",
            (SessionKind.PARAMETER, False),
        ),
        (
            "def view(request):\n    request.dbsession.commit()\n",
            "request.dbsession",
            (SessionKind.SCOPED, False),
        ),
    ],
)
def test_sessions_are_recognised(
    source: str, receiver: str, expected: tuple[SessionKind, bool]
) -> None:
    """Constructors, factories, `with`, annotations, Flask `db.session`, scoped, `self.<attr>`."""
    assert session_named(source, receiver) == expected


@pytest.mark.parametrize(
    ("source", "receiver"),
    [
        ("import sqlite3\ndef f(path):\n    db = sqlite3.connect(path)\n    db.commit()\n", "db"),
        ("import sqlalchemy\ndef f(db, row):\n    db.execute('x', row)\n    db.commit()\n", "db"),
        ("def f(consumer):\n    consumer.commit()\n", "consumer"),
        ("import transaction\ndef f():\n    transaction.commit()\n", "transaction"),
        ("import git\ndef f(repo):\n    repo.index.commit('msg')\n", "repo.index"),
        (
            "import requests\nsession = requests.Session()\ndef f():\n    session.commit()\n",
            "session",
        ),
        ("from flask import session\ndef f():\n    session.commit()\n", "session"),
        ("def f(session):\n    session.commit()\n", "session"),
    ],
)
def test_other_objects_with_commit_are_not_sessions(source: str, receiver: str) -> None:
    """sqlite3 connections, Kafka consumers, `transaction`, git, requests/Flask sessions."""
    assert session_named(source, receiver) is None


def test_a_local_rebinding_shadows_a_module_level_session() -> None:
    """A parameter named like a module session is the parameter, not the global."""
    source = (
        "from app.db import SessionLocal\nsession = SessionLocal()\n"
        "def f(session: Consumer):\n    session.commit()\n"
    )
    assert session_named(source, "session") is None


def test_module_level_session_is_module_kind() -> None:
    """`session = SessionLocal()` at module level is one shared instance."""
    source = (
        "from app.db import SessionLocal\nsession = SessionLocal()\n"
        "def f():\n    session.commit()\n"
    )
    assert session_named(source, "session") == (SessionKind.MODULE, False)
