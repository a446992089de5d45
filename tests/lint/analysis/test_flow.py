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
        ("except sqlite3.IntegrityError:", False),
    ],
)
def test_which_handlers_can_catch_a_database_error(clause: str, catches: bool) -> None:
    """Catch-alls and SQLAlchemy's database errors can; lookup errors and foreign classes cannot."""
    model, _, handler = handler_of(
        f"""
        import sqlite3
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
