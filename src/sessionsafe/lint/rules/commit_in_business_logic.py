"""SES001 commit-in-business-logic."""

from __future__ import annotations

import ast

from sessionsafe.lint.demo import Demo, Outcome, Program
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
    demo = Demo(
        mental_model="""
            A session is one unit of work, and `commit()` ends it for good: once committed, nothing
            can be rolled back. So only the code that owns the unit of work (the function that
            opened the session, a request dependency, a task runner) may commit, once, at the end.
        """,
        setup="""
            A sign-up creates a user and the user's first post. Two helpers do the work, and each
            "helpfully" commits what it added. The post helper then rejects the request (an empty
            title), as business code does every day.
        """,
        broken=Program(
            source="""
                import os

                from sqlalchemy import Engine, ForeignKey, String, create_engine, select
                from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

                DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")


                class Base(DeclarativeBase):
                    pass


                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    email: Mapped[str] = mapped_column(String(100))


                class Post(Base):
                    __tablename__ = "posts"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    title: Mapped[str] = mapped_column(String(100))
                    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


                def create_user(session: Session, email: str) -> User:
                    user = User(email=email)
                    session.add(user)
                    session.commit()
                    return user


                def create_post(session: Session, user: User, title: str) -> Post:
                    if not title:
                        raise ValueError("a post needs a title")
                    post = Post(title=title, user_id=user.id)
                    session.add(post)
                    session.commit()
                    return post


                def sign_up(engine: Engine, email: str, first_post: str) -> None:
                    with Session(engine) as session:
                        user = create_user(session, email)
                        create_post(session, user, first_post)


                def main() -> None:
                    engine = create_engine(DATABASE_URL)
                    Base.metadata.create_all(engine)
                    try:
                        sign_up(engine, "king.arthur@camelot.bt", first_post="")
                    except ValueError as error:
                        print(f"sign-up failed: {error}")
                    with Session(engine) as session:
                        print("rows stored:", session.scalars(select(User.email)).all())


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(rows=("king.arthur@camelot.bt",)),
        ),
        fixed=Program(
            source="""
                import os

                from sqlalchemy import Engine, ForeignKey, String, create_engine, select
                from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

                DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")


                class Base(DeclarativeBase):
                    pass


                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    email: Mapped[str] = mapped_column(String(100))


                class Post(Base):
                    __tablename__ = "posts"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    title: Mapped[str] = mapped_column(String(100))
                    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


                def create_user(session: Session, email: str) -> User:
                    user = User(email=email)
                    session.add(user)
                    session.flush()  # sends the INSERT, sets user.id; no commit
                    return user


                def create_post(session: Session, user: User, title: str) -> Post:
                    if not title:
                        raise ValueError("a post needs a title")
                    post = Post(title=title, user_id=user.id)
                    session.add(post)
                    return post


                def sign_up(engine: Engine, email: str, first_post: str) -> None:
                    with Session(engine) as session:
                        user = create_user(session, email)
                        create_post(session, user, first_post)
                        session.commit()  # the owner commits once, at the end


                def main() -> None:
                    engine = create_engine(DATABASE_URL)
                    Base.metadata.create_all(engine)
                    try:
                        sign_up(engine, "king.arthur@camelot.bt", first_post="")
                    except ValueError as error:
                        print(f"sign-up failed: {error}")
                    with Session(engine) as session:
                        print("rows stored:", session.scalars(select(User.email)).all())


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(rows=()),
        ),
        why="""
            `session.commit()` does two things: it flushes the pending changes and it sends
            `COMMIT`, which makes them permanent. After that there is no transaction left to roll
            back: the `with Session(...)` block's rollback on the way out of the error has nothing
            to undo. A helper that commits splits the caller's single unit of work into several
            transactions without the caller knowing, so the caller can no longer make the whole
            operation all-or-nothing.

            What the helper usually wanted was `session.flush()`: it sends the INSERTs (so
            database defaults, generated ids and constraint checks happen now) but keeps the
            transaction open. Autoflush does the same before every query, so most explicit
            flushes are not even needed.
        """,
        in_production="""
            A SaaS sign-up endpoint created the account, committed, then created the billing
            customer with a payment provider call and committed again. During a 40-minute
            provider outage 1,800 sign-ups failed after the first commit: 1,800 accounts existed
            without a billing customer, every retry by the user hit "email already registered",
            and support merged the half-created accounts by hand for two days.
        """,
        takeaway="""
            Call `session.commit()` once, at the end, in the code that owns the session. Business
            functions add, flush and query; they never commit.
        """,
        prevention="""
            - `sessionsafe.runtime.unit_of_work(factory)` opens the session, commits once when the
              block ends and rolls back on any exception.
            - Its commit guard catches a `commit()` (or `rollback()`) from business code inside
              the unit: with `guard="raise"` it raises `CommitInsideUnitOfWork` and the unit rolls
              back; `guard="flush"` turns the stray commit into a `flush()` so existing code keeps
              one transaction.
            - The FastAPI, Starlette, Flask and Celery integrations open a unit of work per
              request or task, so handlers never need to commit.
        """,
    )

    #: The engine calls `visit_Call` for these method calls only: no other can be reported.
    call_attributes = frozenset({"commit"})

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
