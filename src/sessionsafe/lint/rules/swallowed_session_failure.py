"""SES002 swallowed-session-failure."""

from __future__ import annotations

import ast

from sessionsafe.lint.demo import Demo, Outcome, Program, Variation
from sessionsafe.lint.rule import Rule


class SwallowedSessionFailure(Rule):
    """
    ## What it does
    Flags an `except` that can catch a database error raised by session work in
    its `try` (a flush, commit, query or statement), and neither rolls back or
    closes that session (in the handler, in `finally`, or through a helper that
    does) nor re-raises, while the session is used again afterwards or outlives
    the function.

    ## Why is this bad?
    A failed flush leaves the session unusable: every later use raises
    `PendingRollbackError` until someone calls `rollback()`, so one swallowed
    `IntegrityError` poisons a worker's session for every task after it. A
    failed statement is worse: on PostgreSQL the whole transaction is aborted
    and a later `commit()` returns normally while silently rolling everything
    back; on SQLite and MariaDB the commit stores a partial unit of work.

    A handler is fine when it re-raises (`raise`, `raise X from e`, `abort(...)`,
    a helper that always raises), rolls back or closes the session, or when the
    failing work ran inside `with session.begin_nested():` (the savepoint is
    rolled back and the outer transaction stays usable) or `with
    session.begin():` (the block rolls back itself). Handlers that cannot catch
    a database error (`except KeyError`, `except NoResultFound`) are ignored,
    and so is a session the function created and never uses again (closed by
    its `with` block, say). A session that outlives the function (a parameter,
    `self.session`, a module-level or scoped session) is always used again by
    someone.

    ## Known limits
    Database work hidden behind another object (`repo.save(user)`) is not seen;
    a call that receives the session (`crud.create(db, ...)`) counts as work.
    Any `rollback()` call in the handler counts as rolling back, even on
    another session. Only the handler's own `try` statement's `finally` is
    considered.
    """

    code = "SES002"
    message = "`except` swallows a database error from `{session}` without rolling it back"
    help = (
        "Call `{session}.rollback()` in this handler or re-raise; to ignore one failing "
        "statement, run it inside `with {session}.begin_nested():`"
    )

    bad = (
        """
        from sqlalchemy.exc import IntegrityError

        from app.db import SessionLocal
        from app.models import Event


        def import_events(names):
            with SessionLocal() as session:
                for name in names:
                    try:
                        session.add(Event(name=name))
                        session.flush()
                    except IntegrityError:  # error: SES002
                        log.warning("duplicate event %s", name)
                session.commit()  # PendingRollbackError after the first duplicate
        """,
        """
        from sqlalchemy.orm import Session


        def import_rows(session: Session, rows) -> int:
            imported = 0
            for row in rows:
                try:
                    session.add(Row(**row))
                    session.flush()
                    imported += 1
                except Exception:  # error: SES002
                    continue
            return imported
        """,
        """
        from flask import flash, redirect, request

        from app import app, db


        @app.route("/signup", methods=["POST"])
        def signup():
            try:
                db.session.add(User(email=request.form["email"]))
                db.session.commit()
            except Exception as error:  # error: SES002
                flash(f"could not sign up: {error}")
            return redirect("/")
        """,
    )
    good = (
        """
        from sqlalchemy.exc import IntegrityError

        from app.db import SessionLocal
        from app.models import Event


        def import_events(names):
            with SessionLocal() as session:
                for name in names:
                    try:
                        with session.begin_nested():
                            session.add(Event(name=name))
                    except IntegrityError:
                        log.warning("duplicate event %s", name)  # only the savepoint failed
                session.commit()
        """,
        """
        from flask import flash, redirect, request

        from app import app, db


        @app.route("/signup", methods=["POST"])
        def signup():
            try:
                db.session.add(User(email=request.form["email"]))
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                flash(f"could not sign up: {error}")
            return redirect("/")
        """,
        """
        from fastapi import HTTPException
        from sqlalchemy.exc import IntegrityError
        from sqlalchemy.orm import Session


        def add_user(db: Session, email: str) -> None:
            try:
                db.add(User(email=email))
                db.flush()
            except IntegrityError as error:
                raise HTTPException(409, "email taken") from error
        """,
        """
        from sqlalchemy.exc import NoResultFound
        from sqlalchemy.orm import Session


        def find(session: Session, user_id: int):
            try:
                return session.execute(select(User).where(User.id == user_id)).scalar_one()
            except NoResultFound:
                return None
        """,
    )
    demo = Demo(
        mental_model="""
            A session runs one database transaction at a time; when a flush or commit fails, that
            transaction is dead and SQLAlchemy refuses every further statement on the session
            until you call `rollback()` (or `close()`). Whoever catches the error owns the dead
            transaction: swallow the error without rolling back and the next piece of work fails
            instead, or (after a failed query on PostgreSQL) silently stores nothing.
        """,
        setup="""
            A worker writes audit events through one long-lived session. A duplicate event
            violates a unique constraint; the worker catches the `IntegrityError`, prints it, and
            goes on to the next event with the same session, without rolling back. Will the
            `SHUTDOWN` event, which is unique and valid, be stored?
        """,
        broken=Program(
            source="""
                import os

                from sqlalchemy import String, create_engine
                from sqlalchemy.exc import IntegrityError
                from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

                DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")


                class Base(DeclarativeBase):
                    pass


                class AuditLog(Base):
                    __tablename__ = "audit_logs"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    event: Mapped[str] = mapped_column(String(50), unique=True)


                def main() -> None:
                    engine = create_engine(DATABASE_URL)
                    Base.metadata.create_all(engine)
                    with Session(engine) as session:
                        try:
                            session.add(AuditLog(event="START"))
                            session.add(AuditLog(event="START"))  # a duplicate
                            session.commit()
                        except IntegrityError as error:
                            print(f"First operation failed: {error.orig}")
                            # no session.rollback(): the worker carries on regardless

                        session.add(AuditLog(event="SHUTDOWN"))
                        session.commit()
                        print("Second operation succeeded!")


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(raises="sqlalchemy.exc.PendingRollbackError"),
        ),
        fixed=Program(
            source="""
                import os

                from sqlalchemy import String, create_engine, select
                from sqlalchemy.exc import IntegrityError
                from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

                DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")


                class Base(DeclarativeBase):
                    pass


                class AuditLog(Base):
                    __tablename__ = "audit_logs"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    event: Mapped[str] = mapped_column(String(50), unique=True)


                def main() -> None:
                    engine = create_engine(DATABASE_URL)
                    Base.metadata.create_all(engine)
                    with Session(engine) as session:
                        try:
                            session.add(AuditLog(event="START"))
                            session.add(AuditLog(event="START"))  # a duplicate
                            session.commit()
                        except IntegrityError as error:
                            print(f"First operation failed: {error.orig}")
                            session.rollback()  # the fix: end the failed transaction

                        session.add(AuditLog(event="SHUTDOWN"))
                        session.commit()
                        print("Second operation succeeded!")
                        print("rows stored:", session.scalars(select(AuditLog.event)).all())


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(rows=("SHUTDOWN",)),
        ),
        why="""
            The `Session` is a facade over one DBAPI transaction, tracked by a state machine
            (`SessionTransaction`). When a flush fails, the database transaction is already rolled
            back, but SQLAlchemy cannot tell which of your in-memory objects are now out of step
            with the database, so it does not quietly start a new transaction: it marks the
            current one inactive. In that state every call that emits SQL (`execute()`,
            `scalars()`, a `flush()` with pending objects, `commit()`) raises
            `PendingRollbackError`, and the session keeps its pooled connection checked out. Only
            `rollback()`, `close()` or `reset()` end it. This is deliberate: it stops you from
            committing half of a unit of work by accident.

            A failed *query* (or a Core `insert()` run through `session.execute()`) is quieter
            and worse: the session is not marked failed (`is_active` stays `True`), and what
            happens next depends on the database. PostgreSQL aborts the whole transaction: every
            later statement fails with `InFailedSqlTransaction`, and a bare `commit()` returns
            normally but stores nothing. SQLite and MariaDB roll back only the failed statement,
            so a later commit stores a partial unit of work.
        """,
        in_production="""
            A long-running Celery worker stored incoming webhooks through a module-level session.
            One duplicate webhook raised an `IntegrityError`, which the task caught and logged as
            "duplicate ignored", reporting SUCCESS. Because nothing called `rollback()`, the worker
            stayed alive but every later task in that process failed with `PendingRollbackError`:
            50,000 webhooks over a weekend, until someone restarted the worker on Monday. The same
            sequence reproduces with Celery 5.7 and one worker: after one swallowed duplicate, the
            next three tasks all fail, and the task that swallowed the error reports success.
        """,
        takeaway="""
            When you catch a database error, roll the session back (or re-raise) before anything
            uses it again. To ignore one expected failure, wrap just that statement in
            `with session.begin_nested():` and catch the error outside the block.
        """,
        prevention="""
            - `sessionsafe.runtime.unit_of_work(factory)` rolls back and closes on any exception.
              If a database error is raised inside it and swallowed by your code, it refuses to
              commit and raises `SwallowedDatabaseError` (the original error chained), instead of
              committing partial work (SQLite, MariaDB) or silently losing it (PostgreSQL).
            - `ensure_usable(session)` repairs a long-lived session left failed or invalidated,
              logging the original error, and costs almost nothing when the session is healthy.
            - The Celery integration runs every task in its own unit of work and cleans up after
              each task, so one swallowed duplicate cannot poison the tasks that follow.
        """,
        variations=(
            Variation(
                name="query-error",
                title="When a statement fails instead of a flush",
                story="""
                    A failed statement (a Core `insert()` run through `session.execute()`, or a
                    failing `SELECT`) does not mark the session failed, so nothing stops the
                    commit. Here the second insert is a duplicate the code means to ignore. On
                    SQLite and MariaDB only that statement is undone, and the program looks
                    fine. On PostgreSQL the error aborted the whole transaction: `commit()`
                    returns normally, no exception is raised, and `STEP-1` is silently gone.
                    The fix is a savepoint around the statement that may fail, caught outside the
                    block: then every database stores the same rows.
                """,
                broken=Program(
                    source="""
                        import os

                        from sqlalchemy import String, create_engine, insert, select
                        from sqlalchemy.exc import IntegrityError
                        from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

                        DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")


                        class Base(DeclarativeBase):
                            pass


                        class AuditLog(Base):
                            __tablename__ = "audit_logs"
                            id: Mapped[int] = mapped_column(primary_key=True)
                            event: Mapped[str] = mapped_column(String(50), unique=True)


                        def main() -> None:
                            engine = create_engine(DATABASE_URL)
                            Base.metadata.create_all(engine)
                            with Session(engine) as session:
                                session.add(AuditLog(event="START"))
                                session.commit()

                                session.add(AuditLog(event="STEP-1"))
                                session.flush()
                                try:
                                    # a duplicate, inserted with a Core statement
                                    session.execute(insert(AuditLog).values(event="START"))
                                except IntegrityError as error:
                                    print(f"insert failed: {type(error.orig).__name__}")
                                session.commit()
                                print("commit returned normally")
                                events = session.scalars(
                                    select(AuditLog.event).order_by(AuditLog.id)
                                )
                                print("rows stored:", events.all())


                        if __name__ == "__main__":
                            main()
                    """,
                    outcome=Outcome(rows=("START", "STEP-1")),
                    outcome_on={
                        "postgresql": Outcome(rows=("START",)),
                    },
                ),
                fixed=Program(
                    source="""
                        import os

                        from sqlalchemy import String, create_engine, insert, select
                        from sqlalchemy.exc import IntegrityError
                        from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

                        DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")


                        class Base(DeclarativeBase):
                            pass


                        class AuditLog(Base):
                            __tablename__ = "audit_logs"
                            id: Mapped[int] = mapped_column(primary_key=True)
                            event: Mapped[str] = mapped_column(String(50), unique=True)


                        def main() -> None:
                            engine = create_engine(DATABASE_URL)
                            Base.metadata.create_all(engine)
                            with Session(engine) as session:
                                session.add(AuditLog(event="START"))
                                session.commit()

                                session.add(AuditLog(event="STEP-1"))
                                session.flush()
                                try:
                                    # a savepoint: a failure undoes only this block
                                    with session.begin_nested():
                                        # a duplicate, inserted with a Core statement
                                        session.execute(insert(AuditLog).values(event="START"))
                                except IntegrityError as error:
                                    print(f"insert failed: {type(error.orig).__name__}")
                                session.commit()
                                print("commit returned normally")
                                events = session.scalars(
                                    select(AuditLog.event).order_by(AuditLog.id)
                                )
                                print("rows stored:", events.all())


                        if __name__ == "__main__":
                            main()
                    """,
                    outcome=Outcome(rows=("START", "STEP-1")),
                ),
            ),
        ),
    )

    def visit_Try(self, node: ast.Try) -> None:
        if not node.handlers or not self.model.may_involve_sessions(node, methods=True):
            return
        work = self.model.session_work(node)
        if not work:
            return
        sessions = list({ref.key: ref for _, ref in work}.values())
        for index, handler in enumerate(node.handlers):
            if not self.model.can_catch_db_error(handler):
                continue
            if self.model.caught_earlier(node.handlers[:index]):
                continue
            if self.model.always_raises(handler.body, handler):
                continue
            for session in sessions:
                if self.model.releases_session(handler.body, session, handler):
                    continue
                if self.model.handles_db_errors_first(handler, session):
                    continue
                if node.finalbody and self.model.releases_session(node.finalbody, session, node):
                    continue
                if not self.model.used_after(node, handler, session):
                    continue
                self.report(self.model.header_span(handler), session=session.key)
                break

    visit_TryStar = visit_Try
