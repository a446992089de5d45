"""SES007 shared-session."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import lifetimes
from sessionsafe.lint.analysis.names import dotted_name
from sessionsafe.lint.rule import Rule


class SharedSession(Rule):
    """
    ## What it does
    Flags one `Session` instance created once and used from functions, so that
    requests, threads or tasks share it: a session created at module level, a class
    attribute, a lazily created global or singleton (`global _session`, an
    `@lru_cache` function returning a new session), or a session stored on a
    module-level object such as `app.state`.

    ## Why is this bad?
    A session is one unit of work for one thread or task at a time. Shared, it mixes
    the pending changes of concurrent requests (one request's `commit()` commits the
    other's half-done work), it is not thread-safe (`IllegalStateChangeError`,
    "This session is provisioning a new connection; concurrent operations are not
    permitted" on `AsyncSession`), its identity map grows forever and serves stale
    objects, and one failed flush leaves it unusable for every later caller until
    someone rolls back: the whole process keeps failing with `PendingRollbackError`.

    Fine: a `sessionmaker`/`async_sessionmaker` at module level (a factory), a
    `scoped_session`/`async_scoped_session` registry, Flask-SQLAlchemy's
    `db.session`, a per-thread `threading.local()` or a `ContextVar`, and a
    module-level session used only by the script's own top-level code.

    ## Known limits
    A shared session created through an untyped helper (`session = make_session()`)
    is not recognised; a singleton class whose `__new__` caches a session is not seen.
    """

    code = "SES007"
    message = "one session from `{creator}` is shared by every caller of this module"
    help = (
        "Keep the factory at module level and open a session per request, task or "
        "call (`with SessionLocal() as session:`), or use a `scoped_session` registry"
    )

    bad = (
        """
        from fastapi import FastAPI
        from sqlalchemy import select

        from app.db import SessionLocal
        from app.models import Todo

        app = FastAPI()
        db = SessionLocal()  # error: SES007


        @app.get("/todos")
        def list_todos() -> list[str]:
            return list(db.scalars(select(Todo.title)))
        """,
    )
    good = (
        """
        from fastapi import FastAPI
        from sqlalchemy import select

        from app.db import SessionLocal
        from app.models import Todo

        app = FastAPI()


        @app.get("/todos")
        def list_todos() -> list[str]:
            with SessionLocal() as db:
                return list(db.scalars(select(Todo.title)))
        """,
    )

    def visit_Module(self, node: ast.Module) -> None:
        for call in lifetimes.shared_creations(self.model):
            self.report(call, creator=f"{dotted_name(call.func) or 'the factory'}()")
