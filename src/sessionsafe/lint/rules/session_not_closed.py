"""SES005 session-not-closed."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import lifetimes
from sessionsafe.lint.analysis.names import dotted_name
from sessionsafe.lint.demo import Demo, Outcome, Program
from sessionsafe.lint.rule import Rule


class SessionNotClosed(Rule):
    """
    ## What it does
    Flags a session created in a function that is not closed on every path: no
    `with`/`async with` block, no `close()` in a `finally`, not returned, not stored
    on `self` or in a registry for an owner to close, not handed to `closing()` or
    an `ExitStack`. A `close()` only at the end of the happy path is reported too.

    ## Why is this bad?
    An open session holds a pooled connection (and, after its first query, an open
    transaction with its locks and snapshot) until it is closed or garbage
    collected. A function that leaks one per call drains the pool under load:
    requests then wait `pool_timeout` seconds and fail with "QueuePool limit ...
    reached", and on PostgreSQL the leaked connections sit "idle in transaction",
    blocking `VACUUM` and schema migrations. An exception between creating the session
    and a `close()` at the bottom skips the close, so the leak happens exactly when
    something already went wrong.

    A `yield` dependency or fixture that creates a session owns it and must close it:
    FastAPI and pytest do not close what they are given. A session shared at module
    level is reported as SES007, not here.

    ## Known limits
    A session handed to another object (`Repository(session)`) or any function
    whose name contains `close` is assumed to be closed by it. A session made by an
    imported `Session()`/`db_session()` is only counted when the project index shows
    it is a factory and not a `scoped_session` registry.
    """

    code = "SES005"
    message = "session created by `{creator}` in `{function}` is not closed on every path"
    help = (
        "Open it with `with {creator} as session:` (`async with` for an `AsyncSession`), "
        "or close it in a `finally` block"
    )

    bad = (
        """
        from app.db import SessionLocal
        from app.models import Invoice


        def finalize_invoice(invoice_id: int) -> str:
            session = SessionLocal()  # error: SES005
            invoice = session.get(Invoice, invoice_id)
            invoice.finalize()
            session.commit()
            session.close()  # skipped when anything above raises
            return invoice.pdf_key
        """,
    )
    good = (
        """
        from app.db import SessionLocal
        from app.models import Invoice


        def finalize_invoice(invoice_id: int) -> str:
            with SessionLocal() as session:
                invoice = session.get(Invoice, invoice_id)
                invoice.finalize()
                session.commit()
                return invoice.pdf_key
        """,
        """
        from collections.abc import Iterator

        from sqlalchemy.orm import Session

        from app.db import SessionLocal


        def get_db() -> Iterator[Session]:
            db = SessionLocal()
            try:
                yield db
            finally:
                db.close()
        """,
    )
    demo = Demo(
        mental_model="""
            A session that has run a query holds a pooled database connection (and an open
            transaction) until it is closed. A session that is never closed gives the connection
            back only when the garbage collector gets to it, and under load the pool runs dry
            first.
        """,
        setup="""
            A health-check endpoint opens a session, runs `SELECT 1` and returns, without closing
            the session. The pool allows two connections and waits one second for a free one.
            The load balancer calls the endpoint four times.
        """,
        broken=Program(
            source="""
                import os

                from sqlalchemy import create_engine, text
                from sqlalchemy.orm import Session
                from sqlalchemy.pool import QueuePool

                engine = create_engine(
                    os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:"),
                    poolclass=QueuePool,
                    pool_size=2,
                    max_overflow=0,
                    pool_timeout=1,
                )


                def database_is_up() -> bool:
                    session = Session(engine)
                    return session.scalar(text("SELECT 1")) == 1


                def main() -> None:
                    for probe in range(1, 5):
                        print(f"health probe {probe}: database up = {database_is_up()}")
                    print(f"connections still checked out: {engine.pool.checkedout()}")


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(raises="sqlalchemy.exc.TimeoutError"),
        ),
        fixed=Program(
            source="""
                import os

                from sqlalchemy import create_engine, text
                from sqlalchemy.orm import Session
                from sqlalchemy.pool import QueuePool

                engine = create_engine(
                    os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:"),
                    poolclass=QueuePool,
                    pool_size=2,
                    max_overflow=0,
                    pool_timeout=1,
                )


                def database_is_up() -> bool:
                    # closed on every path: the connection goes back to the pool
                    with Session(engine) as session:
                        return session.scalar(text("SELECT 1")) == 1


                def main() -> None:
                    for probe in range(1, 5):
                        print(f"health probe {probe}: database up = {database_is_up()}")
                    print(f"connections still checked out: {engine.pool.checkedout()}")


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(),
        ),
        why="""
            The first statement of a session begins a transaction and checks a connection out of
            the engine's pool. The connection goes back to the pool on `commit()`, `rollback()` or
            `close()`. A `Session` with an open transaction refers to itself in a cycle (session
            to transaction and back), so it is not freed when the function returns: it waits for
            Python's cyclic garbage collector, which runs on its own schedule. Until then the
            connection stays checked out, and once `pool_size + max_overflow` connections are
            stuck, every new session waits `pool_timeout` seconds and fails with
            `QueuePool limit ... reached`. An open transaction can also hold locks and keeps
            PostgreSQL from cleaning up old row versions.
        """,
        in_production="""
            An API's readiness probe opened a session per call and never closed it. With a pool of
            5 connections plus 10 overflow, the 16th probe within one garbage-collection cycle
            blocked for 30 seconds; Kubernetes marked the pods unready one after another, and the
            service went from serving 900 requests per second to none, although the database was
            idle.
        """,
        takeaway="""
            Create sessions with `with Session(engine) as session:` (or `with factory() as
            session:`), or close them in `finally`. If a function hands a session to someone else,
            that owner must close it.
        """,
        prevention="""
            - `sessionsafe.runtime.unit_of_work(factory)` always closes the session it opened,
              after committing or rolling back, whatever happens in the block.
            - The FastAPI, Starlette, Flask and Celery integrations open and close one session per
              request or task, so no handler needs to remember.
        """,
    )

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._check(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._check(node)

    def _check(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if not self.model.may_involve_sessions(node):
            return
        function = self.model.structure.info(node)
        for call in lifetimes.unclosed_creations(self.model, function):
            name = dotted_name(call.func) or "the factory"
            creator = f"{name}(...)" if call.args or call.keywords else f"{name}()"
            self.report(call, creator=creator, function=node.name)
