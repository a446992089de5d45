"""Handlers: what they can catch, whether they re-raise or release, what happens after."""

from __future__ import annotations

import ast

import pytest

from .helpers import first, model_of


def handler_of(source: str) -> tuple[object, ast.Try, ast.ExceptHandler]:
    model = model_of(source)
    try_node = first(model, ast.Try)
    assert isinstance(try_node, ast.Try)
    return model, try_node, try_node.handlers[0]


@pytest.mark.parametrize(
    ("clause", "catches"),
    [
        ("except:", True),
        ("except Exception:", True),
        ("except BaseException:", True),
        ("except SQLAlchemyError:", True),
        ("except exc.IntegrityError:", True),
        ("except (KeyError, OperationalError):", True),
        ("except StaleDataError:", True),
        ("except KeyError:", False),
        ("except ValueError:", False),
        ("except NoResultFound:", False),
        ("except MultipleResultsFound:", False),
        ("except django.db.IntegrityError:", False),
        ("except psycopg.errors.UniqueViolation:", True),
    ],
)
def test_which_handlers_can_catch_a_database_error(clause: str, catches: bool) -> None:
    """Catch-alls, SQLAlchemy's database errors and driver classes can; lookup errors cannot."""
    model, _, handler = handler_of(
        f"""
        import django.db
        import psycopg.errors
        from sqlalchemy import exc
        from sqlalchemy.exc import SQLAlchemyError, OperationalError, NoResultFound
        from sqlalchemy.exc import MultipleResultsFound
        from sqlalchemy.orm.exc import StaleDataError
        try:
            pass
        {clause}
            pass
        """
    )
    assert model.can_catch_db_error(handler) is catches  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "raises"),
    [
        ("raise", True),
        ("raise HTTPException(409) from error", True),
        ("abort(409)", True),
        ("sys.exit(1)", True),
        ("fail_with(error)", True),
        ("if error.orig:\n        raise\n    else:\n        raise RuntimeError()", True),
        ("if error.orig:\n        raise", False),
        ("if error.orig:\n        return None\n    raise", False),
        ("log.warning('x')", False),
        ("return None", False),
    ],
)
def test_always_raises_follows_every_path_and_raising_helpers(body: str, raises: bool) -> None:
    """`raise`, `abort()`, `sys.exit()` and a helper that always raises end the handler."""
    source = (
        "import sys\nfrom flask import abort\n"
        "def fail_with(error):\n    raise RuntimeError(error)\n"
        "def f(session):\n  try:\n    session.flush()\n  except Exception as error:\n"
        f"    {body}\n"
    )
    model, _, handler = handler_of(source)
    assert model.always_raises(handler.body, handler) is raises  # type: ignore[attr-defined]


def test_work_inside_a_savepoint_or_begin_block_is_not_exposed() -> None:
    """Only the flush outside `begin_nested()` counts as work a handler would see."""
    model, try_node, _ = handler_of(
        """
        from sqlalchemy.orm import Session
        def f(session: Session, rows):
            try:
                with session.begin_nested():
                    session.execute(insert_row)
                with session.begin():
                    session.execute(other)
                session.flush()
            except Exception:
                pass
        """
    )
    work = model.session_work(try_node)  # type: ignore[attr-defined]
    assert [ast.unparse(call) for call, _ in work] == ["session.flush()"]


@pytest.mark.parametrize(
    ("handler_body", "releases"),
    [
        ("undo(session)", True),
        ("session.rollback()", True),
        ("session.close()", True),
        ("savepoint.rollback()", True),
        ("other.rollback()", False),
        ("log.warning('failed')", False),
    ],
)
def test_releases_session_recognises_rollback_close_and_helpers(
    handler_body: str, releases: bool
) -> None:
    """Same-session rollback/close, a helper that rolls back, or an unknown savepoint count."""
    model, try_node, handler = handler_of(
        f"""
        from sqlalchemy.orm import Session
        def undo(session):
            session.rollback()
        def f(session: Session, other: Session):
            savepoint = session.begin_nested()
            try:
                session.flush()
            except Exception:
                {handler_body}
        """
    )
    ref = model.session_work(try_node)[0][1]  # type: ignore[attr-defined]
    assert model.releases_session(handler.body, ref, handler) is releases  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("source", "used"),
    [
        (
            "from app.db import SessionLocal\ndef f(rows):\n    with SessionLocal() as s:\n"
            "        try:\n            s.flush()\n        except Exception:\n            pass\n",
            False,
        ),
        (
            "from app.db import SessionLocal\ndef f(rows):\n    with SessionLocal() as s:\n"
            "        try:\n            s.flush()\n        except Exception:\n            pass\n"
            "        s.commit()\n",
            True,
        ),
        (
            "from app.db import SessionLocal\ndef f(rows):\n    with SessionLocal() as s:\n"
            "        for r in rows:\n            try:\n                s.flush()\n"
            "            except Exception:\n                continue\n",
            True,
        ),
        (
            "from app.db import SessionLocal\ndef f(rows):\n    with SessionLocal() as s:\n"
            "        try:\n            s.flush()\n        except Exception:\n            return\n"
            "        s.commit()\n",
            False,
        ),
        (
            "from sqlalchemy.orm import Session\ndef f(s: Session):\n    try:\n"
            "        s.flush()\n    except Exception:\n        return\n",
            True,
        ),
    ],
    ids=["closed-by-with", "committed-later", "next-iteration", "handler-returns", "parameter"],
)
def test_used_after_the_handler(source: str, used: bool) -> None:
    """Later use, the next loop iteration or outliving the function count; a return does not."""
    model, try_node, handler = handler_of(source)
    ref = model.session_work(try_node)[0][1]  # type: ignore[attr-defined]
    assert model.used_after(try_node, handler, ref) is used  # type: ignore[attr-defined]


def test_a_later_handler_sees_no_database_error_an_earlier_one_catches() -> None:
    """After `except SQLAlchemyError: rollback`, `except Exception` cannot get a database error."""
    model, try_node, _ = handler_of(
        """
        from sqlalchemy.exc import SQLAlchemyError, IntegrityError
        try:
            pass
        except IntegrityError:
            pass
        except SQLAlchemyError:
            pass
        except Exception:
            pass
        """
    )
    handlers = try_node.handlers
    assert not model.caught_earlier(handlers[:1])  # type: ignore[attr-defined]
    assert model.caught_earlier(handlers[:2])  # type: ignore[attr-defined]


def test_isinstance_branch_that_reraises_database_errors_handles_them() -> None:
    """`if isinstance(e, SQLAlchemyError): raise` inside `except Exception as e` is fine."""
    model, try_node, handler = handler_of(
        """
        from sqlalchemy.exc import SQLAlchemyError
        from sqlalchemy.orm import Session
        def f(session: Session):
            try:
                session.flush()
            except Exception as error:
                if isinstance(error, SQLAlchemyError):
                    raise
                log.warning("ignored")
        """
    )
    ref = model.session_work(try_node)[0][1]  # type: ignore[attr-defined]
    assert model.handles_db_errors_first(handler, ref)  # type: ignore[attr-defined]


def test_a_method_of_self_that_queries_the_session_is_work() -> None:
    """`self.load_user()` counts as work on `self.db` when that method queries it."""
    model, try_node, _ = handler_of(
        """
        from sqlalchemy import select
        class Handler(RequestHandler):
            def load_user(self):
                return self.db.scalars(select(User)).first()
            def prepare(self):
                try:
                    self.user = self.load_user()
                except Exception:
                    self.user = None
        """
    )
    work = model.session_work(try_node)  # type: ignore[attr-defined]
    assert [ref.key for _, ref in work] == ["self.db"]


def test_calls_on_an_object_built_from_the_session_are_work_and_uses() -> None:
    """`repo = Repo.from_session(session)`: `repo.create()` works through `session`."""
    model, try_node, _ = handler_of(
        """
        from sqlalchemy.orm import Session
        def create(session: Session, member):
            repository = MemberRepository.from_session(session)
            try:
                repository.create(member)
            except Exception:
                return repository.find(member.email)
        """
    )
    work = model.session_work(try_node)  # type: ignore[attr-defined]
    assert [(ast.unparse(call), ref.key) for call, ref in work] == [
        ("repository.create(member)", "session")
    ]
