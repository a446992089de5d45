"""SES007 shared-session."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import lifetimes
from sessionsafe.lint.analysis.names import dotted_name
from sessionsafe.lint.demo import Demo, Outcome, Program
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
    module-level session used only by the script's own top-level code (a script's
    helper functions that use it are reported: they outgrow the script).

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
    demo = Demo(
        mental_model="""
            A `Session` is a workspace for one unit of work: it collects pending changes until
            someone commits or rolls them back. Share one session between requests, threads or
            tasks, and each one commits (or is poisoned by) the others' leftovers.
        """,
        setup="""
            A small web app creates one module-level session and uses it in every request. A
            request for 500 items adds the order, then fails validation; the framework turns the
            exception into a 400 response. The next request, from another customer, places a
            valid order.
        """,
        broken=Program(
            source="""
                import os

                from sqlalchemy import String, create_engine, select
                from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


                class Base(DeclarativeBase):
                    pass


                class Order(Base):
                    __tablename__ = "orders"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    customer: Mapped[str] = mapped_column(String(50))
                    quantity: Mapped[int]


                DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")
                engine = create_engine(DATABASE_URL)
                session = Session(engine)  # one session for every request of the process


                def place_order(customer: str, quantity: int) -> str:
                    order = Order(customer=customer, quantity=quantity)
                    session.add(order)
                    if quantity > 10:
                        raise ValueError("quantity above the limit of 10")
                    session.commit()
                    return f"order placed for {customer}"


                def handle_request(customer: str, quantity: int) -> str:
                    # What a web framework does: turn an exception into an error response.
                    try:
                        return "200 " + place_order(customer, quantity)
                    except ValueError as error:
                        return f"400 {error}"


                def main() -> None:
                    Base.metadata.create_all(engine)
                    print(handle_request("mallory", quantity=500))
                    print(handle_request("alice", quantity=2))
                    with Session(engine) as reader:
                        customers = reader.scalars(
                            select(Order.customer).order_by(Order.id)
                        )
                        print("rows stored:", customers.all())


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(rows=("mallory", "alice")),
        ),
        fixed=Program(
            source="""
                import os

                from sqlalchemy import String, create_engine, select
                from sqlalchemy.orm import (
                    DeclarativeBase,
                    Mapped,
                    Session,
                    mapped_column,
                    sessionmaker,
                )


                class Base(DeclarativeBase):
                    pass


                class Order(Base):
                    __tablename__ = "orders"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    customer: Mapped[str] = mapped_column(String(50))
                    quantity: Mapped[int]


                DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")
                engine = create_engine(DATABASE_URL)
                # share the factory: each request opens (and closes) its own session
                SessionLocal = sessionmaker(engine)


                def place_order(customer: str, quantity: int) -> str:
                    with SessionLocal() as session:
                        order = Order(customer=customer, quantity=quantity)
                        session.add(order)
                        if quantity > 10:
                            raise ValueError("quantity above the limit of 10")
                        session.commit()
                    return f"order placed for {customer}"


                def handle_request(customer: str, quantity: int) -> str:
                    # What a web framework does: turn an exception into an error response.
                    try:
                        return "200 " + place_order(customer, quantity)
                    except ValueError as error:
                        return f"400 {error}"


                def main() -> None:
                    Base.metadata.create_all(engine)
                    print(handle_request("mallory", quantity=500))
                    print(handle_request("alice", quantity=2))
                    with Session(engine) as reader:
                        customers = reader.scalars(
                            select(Order.customer).order_by(Order.id)
                        )
                        print("rows stored:", customers.all())


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(rows=("alice",)),
        ),
        why="""
            `session.add()` puts the order into the session's pending set. The failed request
            never committed, but it never rolled back either, and the session is not its own: the
            pending order is still there when the next request calls `commit()`, which flushes
            everything pending, so the rejected order is stored with the valid one. The same
            sharing makes one request's failed flush poison every later request with
            `PendingRollbackError`, and two threads using one session at once corrupt its state
            (SQLAlchemy raises "concurrent operations are not permitted" when it notices, but not
            always).

            A `sessionmaker` (or `async_sessionmaker`) is the thing to share: it is a factory,
            cheap to call, and each call returns a fresh session. `scoped_session` gives each
            thread its own session, if you must have a global name.
        """,
        in_production="""
            An internal tool kept `db = Session(engine)` at module level behind gunicorn with 8
            threads. Most days it worked. During a month-end rush, rejected refund requests were
            committed by whichever request came next: 37 refunds that reviewers had rejected were
            paid out, totalling 18,600 EUR, before an accountant noticed.
        """,
        takeaway="""
            Share the factory, not the session: create a session per request, task or thread and
            close it at the end.
        """,
        prevention="""
            - `sessionsafe.runtime.unit_of_work(factory)` takes the factory and opens a fresh
              session for each unit of work.
            - The FastAPI dependency, the Starlette middleware, the Flask extension and the Celery
              integration give every request or task its own session and close it afterwards.
        """,
    )

    def visit_Module(self, node: ast.Module) -> None:
        for call in lifetimes.shared_creations(self.model):
            name = dotted_name(call.func) or "the factory"
            self.report(call, creator=f"{name}(...)" if call.args or call.keywords else f"{name}()")
