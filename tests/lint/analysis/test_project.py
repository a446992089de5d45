"""Module summaries and the project index that lets one file understand another."""

from __future__ import annotations

import ast
import pickle
import textwrap

from sessionsafe.lint.analysis.project import (
    HelperSummary,
    ProjectIndex,
    module_name_for,
    summarize_module,
)
from sessionsafe.lint.config import Settings
from sessionsafe.lint.engine import check_source

DB_MODULE = textwrap.dedent(
    """
    from typing import Annotated

    from fastapi import Depends
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy.ext.asyncio import async_sessionmaker
    from sqlalchemy.orm import Session, scoped_session, sessionmaker

    SessionLocal = sessionmaker(bind=engine)
    async_session = async_sessionmaker(engine)
    ScopedSession = scoped_session(SessionLocal)
    db = SQLAlchemy()
    shared = SessionLocal()


    def get_db():
        session = SessionLocal()
        try:
            yield session
            session.commit()
        finally:
            session.close()


    SessionDep = Annotated[Session, Depends(get_db)]


    def handle_db_error(session, error):
        session.rollback()
        raise error


    def reset_scoped():
        ScopedSession.remove()
    """
)


def test_summary_lists_factories_sessions_providers_aliases_and_helpers() -> None:
    """Everything another module may import from `app.db` is described."""
    found = summarize_module(ast.parse(DB_MODULE), "app.db", Settings())
    assert found.factories == {
        "SessionLocal": "sync",
        "async_session": "async",
        "ScopedSession": "scoped",
        "db": "flask_sqlalchemy",
    }
    assert found.sessions == {"shared": "sync"}
    assert found.providers == {"get_db": "yield_commits"}
    assert found.session_aliases == {"SessionDep": "sync:app.db.get_db"}
    assert found.helpers["handle_db_error"] == (
        HelperSummary(-1, "", always_raises=True),
        HelperSummary(0, "session", rolls_back=True),
    )
    assert found.helpers["reset_scoped"] == (
        HelperSummary(-1, "app.db.ScopedSession", closes=True),
    )


def test_summaries_survive_pickling() -> None:
    """Summaries travel to worker processes and into the cache."""
    found = summarize_module(ast.parse(DB_MODULE), "app.db", Settings())
    assert pickle.loads(pickle.dumps(found)) == found


def test_index_finds_modules_behind_a_src_prefix_and_follows_reexports() -> None:
    """`app.db.SessionLocal` is found in `src.app.db`, and through `app/__init__` re-exports."""
    package = summarize_module(
        ast.parse("from .db import SessionLocal\n"), "src.app.__init__", Settings()
    )
    index = ProjectIndex(
        {
            "src.app.db": summarize_module(ast.parse(DB_MODULE), "src.app.db", Settings()),
            package.module: package,
        }
    )
    assert package.module == "src.app"
    assert index.lookup("app.db.SessionLocal", "factories") == "sync"
    assert index.lookup("app.SessionLocal", "factories") == "sync"
    assert index.lookup("app.db.nothing", "factories") == ""
    assert index.lookup("other.SessionLocal", "factories") is None


def test_checking_with_the_index_uses_helpers_of_other_modules() -> None:
    """A handler that calls `handle_db_error(session, e)` from another module is fine."""
    index = ProjectIndex({"app.db": summarize_module(ast.parse(DB_MODULE), "app.db", Settings())})
    source = textwrap.dedent(
        """
        from app.db import SessionDep, handle_db_error, reset_scoped, ScopedSession

        def update(session, rows):
            try:
                session.query(Row).update(rows)
            except Exception as error:
                handle_db_error(session, error)

        def nightly():
            try:
                ScopedSession.execute(cleanup)
            except Exception:
                reset_scoped()
        """
    )
    settings = Settings(enabled=frozenset({"SES001", "SES002"}))
    assert check_source(source, "app/jobs.py", settings, index) == []
    without_index = check_source(source, "app/jobs.py", settings)
    assert [d.code for d in without_index] == ["SES002", "SES002"]


def test_module_names_come_from_paths_relative_to_the_root() -> None:
    """`app/api/__init__.py` is the package `app.api`."""
    assert module_name_for("app/api/__init__.py") == ("app.api", True)
    assert module_name_for("/repo/app/db.py", "/repo") == ("app.db", False)
