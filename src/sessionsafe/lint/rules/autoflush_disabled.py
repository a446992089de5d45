"""SES003 autoflush-disabled."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import transactions
from sessionsafe.lint.analysis.names import dotted_name
from sessionsafe.lint.demo import Demo, Outcome, Program
from sessionsafe.lint.rule import Rule


class AutoflushDisabled(Rule):
    """
    ## What it does
    Flags `autoflush=False` given to `Session`, `AsyncSession`, `sessionmaker`,
    `async_sessionmaker` (also inside `scoped_session(...)`, SQLModel's `Session`, a
    factory call such as `SessionLocal(autoflush=False)`, `SessionLocal.configure(...)`),
    to Flask-SQLAlchemy's `session_options`, and a lasting `session.autoflush = False`.

    ## Why is this bad?
    With autoflush on, a query first sends the pending changes of the unit of work,
    so it sees the rows just added or changed. With autoflush off, the same query
    silently misses them: a "does this e-mail exist?" check returns nothing, the code
    inserts a duplicate, and the unique violation surfaces much later at commit, far
    from the code that caused it. Business rules that read their own writes give
    wrong answers without any error. `autoflush=False` is mostly copied from old
    tutorials (next to `autocommit=False`) and changes how every query of the
    application behaves; tests that disable it flush differently from production.

    Not reported: `with session.no_autoflush:` (scoped to one block), an assignment
    that a `finally` sets back, `autoflush=True`, a value that is not the literal
    `False`, per-statement `execution_options(autoflush=False)`, the legacy
    `Query.autoflush(False)`, and `autoflush=` options of objects that are not sessions.

    ## Known limits
    `session_options` are read when written inline or in a module-level variable of
    the same file; options built elsewhere are not seen.
    """

    code = "SES003"
    message = "`{setting}` disables autoflush for {target}: queries will not see pending changes"
    help = (
        "Remove `autoflush=False`; wrap the few statements that must not flush in "
        "`with session.no_autoflush:`"
    )

    bad = (
        """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        engine = create_engine("postgresql+psycopg://app@localhost/app")
        SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)  # error: SES003
        """,
        """
        from sqlalchemy.orm import Session


        def prepare_bulk_pricing(session: Session, products) -> None:
            session.autoflush = False  # error: SES003
            for product in products:
                product.price_cents = price_for(session, product)
        """,
    )
    good = (
        """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        engine = create_engine("postgresql+psycopg://app@localhost/app")
        SessionLocal = sessionmaker(bind=engine)
        """,
        """
        from sqlalchemy.orm import Session


        def add_order(session: Session, customer, lines) -> None:
            with session.no_autoflush:
                order = Order(customer=customer)
                order.lines = [Line(**line) for line in lines]
            session.add(order)
        """,
    )
    demo = Demo(
        mental_model="""
            Autoflush is what makes a session's queries see the changes you have made but not yet
            committed: before each query, pending objects are sent to the database inside the
            open transaction. Turn it off and your queries read a database that does not contain
            your own work, so every "does it already exist?" check can be wrong.
        """,
        setup="""
            A newsletter import subscribes a list of addresses and skips the ones already
            subscribed. The session factory was configured with `autoflush=False` (often copied
            from an old tutorial, or added to silence an early `IntegrityError`). The list contains
            `ada@example.com` twice.
        """,
        broken=Program(
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

                DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")


                class Base(DeclarativeBase):
                    pass


                class Subscriber(Base):
                    __tablename__ = "subscribers"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    email: Mapped[str] = mapped_column(String(100))


                def subscribe(session: Session, email: str) -> None:
                    already = session.scalars(
                        select(Subscriber).where(Subscriber.email == email)
                    ).first()
                    if already is None:
                        session.add(Subscriber(email=email))


                def main() -> None:
                    engine = create_engine(DATABASE_URL)
                    Base.metadata.create_all(engine)
                    SessionLocal = sessionmaker(engine, autoflush=False)
                    with SessionLocal() as session:
                        for email in [
                            "ada@example.com",
                            "bob@example.com",
                            "ada@example.com",
                        ]:
                            subscribe(session, email)
                        session.commit()
                        stored = session.scalars(
                            select(Subscriber.email).order_by(Subscriber.email)
                        ).all()
                        print("rows stored:", stored)


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(rows=("ada@example.com", "ada@example.com", "bob@example.com")),
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

                DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")


                class Base(DeclarativeBase):
                    pass


                class Subscriber(Base):
                    __tablename__ = "subscribers"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    email: Mapped[str] = mapped_column(String(100))


                def subscribe(session: Session, email: str) -> None:
                    already = session.scalars(
                        select(Subscriber).where(Subscriber.email == email)
                    ).first()
                    if already is None:
                        session.add(Subscriber(email=email))


                def main() -> None:
                    engine = create_engine(DATABASE_URL)
                    Base.metadata.create_all(engine)
                    # autoflush stays on: queries see the rows added before them
                    SessionLocal = sessionmaker(engine)
                    with SessionLocal() as session:
                        for email in [
                            "ada@example.com",
                            "bob@example.com",
                            "ada@example.com",
                        ]:
                            subscribe(session, email)
                        session.commit()
                        stored = session.scalars(
                            select(Subscriber.email).order_by(Subscriber.email)
                        ).all()
                        print("rows stored:", stored)


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(rows=("ada@example.com", "bob@example.com")),
        ),
        why="""
            `session.add()` only records the object in the session; the `INSERT` is sent at the
            next flush. With autoflush on, SQLAlchemy flushes before every query, so the second
            lookup of `ada@example.com` finds the row added a moment earlier, inside the same
            transaction. With `autoflush=False` the query runs against the database as it was, the
            pending object is invisible, the check says "not subscribed", and a second row is
            added. The commit then stores both.

            The same mismatch breaks counts, uniqueness checks, relationship loads and anything
            that reads what it just wrote. Tests that build the session differently from
            production (or flush by hand) hide it.
        """,
        in_production="""
            A billing service disabled autoflush "for performance". Its invoice job looked up
            whether a customer already had an invoice line for the month before adding one. When
            one customer appeared twice in the same batch, the lookup missed the pending line: 312
            customers were charged twice in one month's run, refunded by hand over a week.
        """,
        takeaway="""
            Leave autoflush on. When one block really must not flush early (building an object
            graph that is incomplete for a moment), use a scoped `with session.no_autoflush:` block
            for just that code.
        """,
        prevention="""
            - `sessionsafe check` flags `autoflush=False` on `Session`, `sessionmaker`,
              `async_sessionmaker`, `scoped_session` and Flask-SQLAlchemy `session_options`, and a
              lasting `session.autoflush = False`.
            - `sessionsafe.runtime.unit_of_work(factory)` works with the factory's own settings,
              so keeping autoflush on costs nothing extra: the unit still commits once at the end.
        """,
    )

    def visit_Call(self, node: ast.Call) -> None:
        # Only these keywords can be reported: ask the model about no other call.
        if not any(keyword.arg in _REPORTED_KEYWORDS for keyword in node.keywords):
            return
        target = self._configured(node)
        if target is None:
            return
        for keyword in node.keywords:
            if keyword.arg == "autoflush" and _is_false(keyword.value):
                self.report(keyword, setting="autoflush=False", target=target)
            elif keyword.arg == "session_options" and target == "Flask-SQLAlchemy":
                self._session_options(keyword.value)

    def _configured(self, call: ast.Call) -> str | None:
        """What a call configures: a session class, a factory, Flask-SQLAlchemy; else `None`."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "configure":
            # `SessionLocal.configure(autoflush=False)` reconfigures an existing factory.
            factory = self.model.factory_kind(func.value, call)
            if factory in {"sync", "async", "scoped", "async_scoped"}:
                return f"every session of `{dotted_name(func.value)}`"
            return None
        kind = self.model.factory_kind(call, call)
        if kind == "flask_sqlalchemy":
            return "Flask-SQLAlchemy"
        if kind in {"sync", "async"}:
            return f"every session of this `{dotted_name(call.func)}`"
        if self.model.created_session(call, call) is not None:
            return f"the session `{dotted_name(call.func) or 'session'}(...)` creates"
        return None

    def _session_options(self, options: ast.expr) -> None:
        if isinstance(options, ast.Name):
            values = self.model.structure.assignments.get(options.id)
            options = values[-1] if values else options
        if isinstance(options, ast.Dict):
            for key, value in zip(options.keys, options.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "autoflush" and _is_false(value):
                    self.report(
                        key, setting='"autoflush": False', target="every Flask-SQLAlchemy session"
                    )
        elif isinstance(options, ast.Call) and dotted_name(options.func) == "dict":
            for keyword in options.keywords:
                if keyword.arg == "autoflush" and _is_false(keyword.value):
                    self.report(
                        keyword, setting="autoflush=False", target="every Flask-SQLAlchemy session"
                    )

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "autoflush"
                and _is_false(node.value)
                and isinstance(target.value, ast.Name | ast.Attribute)
                and self.model.session_of(target.value, node) is not None
            ):
                text = dotted_name(target) or "autoflush"
                if not transactions.restored_in_finally(self.model, node, text):
                    self.report(node, setting=f"{text} = False", target="the rest of its lifetime")


#: The keywords `visit_Call` reports on.
_REPORTED_KEYWORDS = frozenset({"autoflush", "session_options"})


def _is_false(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is False
