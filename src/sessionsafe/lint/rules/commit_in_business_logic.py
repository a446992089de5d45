"""SES001 commit-in-business-logic."""

from __future__ import annotations

import ast

from sessionsafe.lint.rule import Rule


class CommitInBusinessLogic(Rule):
    """
    ## What it does
    Flags `commit()` on a session the function does not own: a session received as
    a parameter, held in `self.<attr>` by a class that did not create it, or a
    module-level or scoped session (Flask-SQLAlchemy's `db.session` included) used
    inside a helper.

    ## Why is this bad?
    A unit of work should be committed once, by the code that opened it: the
    request dependency or middleware, the task runner, the CLI `main`, the
    context manager. A commit buried in a service or repository splits the
    caller's unit of work in two: if the caller fails afterwards, its rollback
    cannot undo what the helper already committed, and a helper that is reused
    inside a larger transaction commits that transaction half-way. Tests that
    wrap each case in a transaction stop isolating anything.

    The owner of a session may commit it: a function that creates it, a
    `yield` dependency or context manager that creates and yields it, an entry
    point (CLI command, Celery task, `main`, `if __name__ == "__main__":`), a
    unit-of-work class with `__enter__`/`__exit__`, a request handler whose
    dependency does not commit for it, a test or fixture. `commit()` on anything
    that is not a SQLAlchemy session (a git index, a Kafka consumer,
    `transaction`, a `sqlite3` connection) is never reported.

    ## Known limits
    A session reached through a chain of other objects (`self.uow.session`,
    `request.state.db`) is not recognised. A function named `commit` (a
    delegating `commit()` method, a `safe_commit(session)` helper) is treated as
    lifecycle code: its callers are not followed. A session parameter without an
    annotation is recognised by its name (`session`, `db_session`, `db`...) and
    by how it is used; a `db` parameter needs an ORM-only call such as
    `db.query(...)`, because `db.commit()` alone is as likely a DB-API connection.
    """

    code = "SES001"
    message = "`{session}.commit()` in `{function}`, which does not own `{session}` ({origin})"
    help = (
        "Remove the commit and let the owner of `{session}` (the request dependency, "
        "unit of work or entry point) commit once at the end; call `{session}.flush()` "
        "if you need generated keys now"
    )

    bad = (
        """
        from sqlalchemy.orm import Session

        from app.models import User


        def create_user(session: Session, email: str) -> User:
            user = User(email=email)
            session.add(user)
            session.commit()  # error: SES001
            return user
        """,
        """
        from sqlalchemy.ext.asyncio import AsyncSession


        class OrderRepository:
            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def add(self, order):
                self.session.add(order)
                await self.session.commit()  # error: SES001
        """,
        """
        from app.extensions import db
        from app.models import AuditLog


        def record_login(user):
            db.session.add(AuditLog(user_id=user.id, event="login"))
            db.session.commit()  # error: SES001
        """,
        """
        from sqlalchemy.orm import scoped_session, sessionmaker

        Session = scoped_session(sessionmaker())


        def mark_paid(invoice_id):
            invoice = Session.get(Invoice, invoice_id)
            invoice.paid = True
            Session.commit()  # error: SES001
        """,
    )
    good = (
        """
        from sqlalchemy.orm import Session

        from app.models import User


        def create_user(session: Session, email: str) -> User:
            user = User(email=email)
            session.add(user)
            session.flush()  # the caller commits once, at the end
            return user
        """,
        """
        from fastapi import APIRouter, Depends
        from sqlalchemy.orm import Session

        from app.db import get_db

        router = APIRouter()


        @router.post("/users")
        def create_user(email: str, db: Session = Depends(get_db)):
            db.add(User(email=email))
            db.commit()  # the request handler owns the session get_db gives it
        """,
        """
        from app.db import SessionLocal


        def main() -> None:
            with SessionLocal() as session:
                import_rows(session)
                session.commit()
        """,
        """
        import sqlite3


        def save(conn: sqlite3.Connection, row) -> None:
            conn.execute("insert into t values (?)", row)
            conn.commit()
        """,
        """
        def process(consumer, session):
            for message in consumer:
                handle(session, message)
            consumer.commit()  # a Kafka offset commit, not a session
        """,
    )

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr != "commit":
            return
        session = self.model.session_receiver(node)
        if session is None:
            return
        function = self.model.function_at(node)
        if function is None or self.model.owns(function, session):
            return
        self.report(node, session=session.key, function=function.name, origin=session.origin)
