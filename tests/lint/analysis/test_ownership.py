"""Which functions own the session they commit (DESIGN.md, "What owns a session")."""

from __future__ import annotations

import ast

import pytest

from sessionsafe.lint.config import Settings

from .helpers import model_of


def owner_of_commit(source: str, settings: Settings | None = None) -> bool:
    """Whether the function around the last `commit()` of `source` owns that session."""
    model = model_of(source, settings=settings)
    call = max(
        (
            node
            for node in ast.walk(model.tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "commit"
        ),
        key=lambda node: node.lineno,
    )
    ref = model.session_receiver(call)
    assert ref is not None
    return model.owns(model.function_at(call), ref)


OWNERS = {
    "creates it": """
        from app.db import SessionLocal
        def run():
            with SessionLocal() as s:
                s.commit()
    """,
    "contextmanager": """
        from contextlib import contextmanager
        from sqlalchemy.orm import Session
        @contextmanager
        def transaction(session: Session):
            yield session
            session.commit()
    """,
    "route with dependency": """
        from fastapi import Depends
        from sqlalchemy.orm import Session
        @router.post("/x")
        def create(db: Session = Depends(get_db)):
            db.commit()
    """,
    "celery task on scoped session": """
        from app.db import db_session
        @celery.task
        def nightly():
            db_session.commit()
    """,
    "flask view": """
        from app import db
        @bp.route("/x", methods=["POST"])
        def create():
            db.session.commit()
    """,
    "click command": """
        from app import db
        @click.command()
        def seed():
            db.session.commit()
    """,
    "unit of work class": """
        from sqlalchemy.orm import Session
        class UnitOfWork:
            def __init__(self, session: Session):
                self.session = session
            def __exit__(self, *exc):
                self.session.close()
            def complete(self):
                self.session.commit()
    """,
    "class that creates its session": """
        from app.db import SessionLocal
        class Importer:
            def __init__(self):
                self.session = SessionLocal()
            def flush_batch(self):
                self.session.commit()
    """,
    "test function": """
        from sqlalchemy.orm import Session
        def test_creates_user(session: Session):
            session.commit()
    """,
    "module code": """
        from app.db import SessionLocal
        session = SessionLocal()
        session.commit()
    """,
    "framework entry-point decorator": """
        from sqlalchemy.orm import Session
        @scheduler.add(every(1).day)
        @scheduled_project_task
        def nightly_costs(db_session: Session, project):
            db_session.commit()
    """,
    "parameterless job": """
        from app import db
        def purge_expired():
            db.session.commit()
    """,
    "function pushing an app context": """
        from app import app, db
        def backfill():
            with app.app_context():
                db.session.commit()
    """,
}

HELPERS = {
    "parameter": """
        from sqlalchemy.orm import Session
        def create_user(session: Session):
            session.commit()
    """,
    "injected attribute": """
        from sqlalchemy.orm import Session
        class Repo:
            def __init__(self, session: Session):
                self.session = session
            def save(self):
                self.session.commit()
    """,
    "scoped session in a service": """
        from app import db
        def record_login(user):
            db.session.commit()
    """,
    "function under a session-providing decorator": """
        @with_session
        def lookup_series(name, session=None):
            series = session.query(Series).first()
            session.commit()
    """,
    "alias-typed helper": """
        from typing import Annotated
        from fastapi import Depends
        from sqlalchemy.orm import Session
        SessionDep = Annotated[Session, Depends(get_db)]
        def add_comment(db: SessionDep):
            db.commit()
    """,
    "route whose dependency commits": """
        from fastapi import Depends
        from sqlalchemy.orm import Session
        from app.db import SessionLocal
        def get_db():
            db = SessionLocal()
            yield db
            db.commit()
        @router.post("/x")
        def create(db: Session = Depends(get_db)):
            db.commit()
    """,
}


@pytest.mark.parametrize("source", OWNERS.values(), ids=OWNERS.keys())
def test_lifecycle_code_owns_its_session(source: str) -> None:
    """Creators, context managers, handlers, tasks, commands, UoW classes, tests own it."""
    assert owner_of_commit(source)


@pytest.mark.parametrize("source", HELPERS.values(), ids=HELPERS.keys())
def test_business_code_does_not_own_its_session(source: str) -> None:
    """Parameters, injected attributes, scoped sessions in helpers are not owned."""
    assert not owner_of_commit(source)


def test_configured_lifecycle_decorator_makes_an_owner() -> None:
    """`lifecycle_decorators = ["unit_of_work"]` turns `@unit_of_work` into an owner."""
    source = """
        from sqlalchemy.orm import Session
        @unit_of_work
        def transfer(session: Session):
            session.commit()
    """
    assert not owner_of_commit(source)
    assert owner_of_commit(source, Settings(lifecycle_decorators=("unit_of_work",)))


def test_helpers_in_test_modules_own_their_sessions() -> None:
    """A factory in `tests/` that commits is test setup, not business code."""
    source = """
        from sqlalchemy.orm import Session
        def make_user(session: Session, **fields):
            session.add(User(**fields))
            session.commit()
    """
    model = model_of(source, path="tests/factories.py")
    call = next(
        node
        for node in ast.walk(model.tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "commit"
    )
    ref = model.session_receiver(call)
    assert ref is not None
    assert model.owns(model.function_at(call), ref)
    assert not owner_of_commit(source)
