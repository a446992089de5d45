"""SES002 swallowed-session-failure."""

from __future__ import annotations

import ast

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

    def visit_Try(self, node: ast.Try) -> None:
        if not node.handlers or not self.model.may_involve_sessions(node):
            return
        work = self.model.session_work(node)
        if not work:
            return
        sessions = list({ref.key: ref for _, ref in work}.values())
        for handler in node.handlers:
            if not self.model.can_catch_db_error(handler):
                continue
            if self.model.always_raises(handler.body, handler):
                continue
            for session in sessions:
                if self.model.releases_session(handler.body, session, handler):
                    continue
                if node.finalbody and self.model.releases_session(node.finalbody, session, node):
                    continue
                if not self.model.used_after(node, handler, session):
                    continue
                self.report(self.model.header_span(handler), session=session.key)
                break

    visit_TryStar = visit_Try
