"""Transaction shapes around a call: enclosing `begin()` blocks, repeated commits, restores."""

from __future__ import annotations

import ast

import pytest

from sessionsafe.lint.analysis import transactions

from .helpers import model_of, node_at


def _commit(model: object, text: str = "session.commit()") -> ast.Call:
    node = node_at(model, text, ast.Call)  # type: ignore[arg-type]
    assert isinstance(node, ast.Call)
    return node


@pytest.mark.parametrize(
    ("header", "inside"),
    [
        ("with session.begin():", True),
        ("with SessionLocal.begin() as session:", True),
        ("with self._factory.begin() as session:", True),
        ("with session.begin_nested():", False),
        ("with engine.begin() as conn:", False),
    ],
)
def test_a_commit_is_inside_the_begin_block_of_its_own_session(header: str, inside: bool) -> None:
    """Only a `begin()` of the committed session (or a factory's `begin() as s`) encloses it."""
    model = model_of(
        f"""
        from sqlalchemy.orm import Session
        from app.db import SessionLocal

        class Service:
            def run(self, session: Session, engine) -> None:
                {header}
                    session.commit()
        """
    )
    call = _commit(model)
    session = model.session_receiver(call) or transactions.begun_session(model, call)
    assert session is not None
    assert (transactions.enclosing_begin(model, call, session) is not None) is inside


def test_a_commit_after_the_begin_block_is_not_inside_it() -> None:
    model = model_of(
        """
        from sqlalchemy.orm import Session

        def migrate(session: Session) -> None:
            with session.begin():
                session.add(1)
            session.commit()
        """
    )
    call = _commit(model)
    session = model.session_receiver(call)
    assert session is not None
    assert transactions.enclosing_begin(model, call, session) is None


@pytest.mark.parametrize(
    ("loop", "repeated"),
    [
        ("for row in rows:\n            session.commit()", True),
        ("while pending():\n            session.commit()", True),
        ("for row in rows:\n            session.commit()\n            break", False),
        (
            "for n, row in enumerate(rows):\n"
            "            if n % 500 == 0:\n                session.commit()",
            False,
        ),
        (
            "for row in rows:\n"
            "            if len(batch) >= BATCH_SIZE:\n                session.commit()",
            False,
        ),
        ("for start in range(0, len(rows), 500):\n            session.commit()", False),
        ("for chunk in chunks(rows):\n            session.commit()", False),
        ("while True:\n            session.commit()", False),
        ("for row in rows:\n            if row.urgent:\n                session.commit()", True),
    ],
)
def test_which_loops_commit_once_per_iteration(loop: str, repeated: bool) -> None:
    """Plain loops do; retry loops that leave, batch-size checkpoints and batch loops do not."""
    model = model_of(
        f"""
        from app.db import SessionLocal

        def job(rows) -> None:
            with SessionLocal() as session:
        {_indent(loop, 8)}
        """
    )
    call = _commit(model)
    session = model.session_receiver(call)
    assert session is not None
    assert (transactions.repeated_commit_loop(model, call, session) is not None) is repeated


def test_a_session_created_in_each_iteration_is_not_a_repeated_commit() -> None:
    model = model_of(
        """
        from app.db import SessionLocal

        def job(tenants) -> None:
            for tenant in tenants:
                session = SessionLocal(bind=tenant.engine)
                session.commit()
                session.close()
        """
    )
    call = _commit(model)
    session = model.session_receiver(call)
    assert session is not None
    assert transactions.repeated_commit_loop(model, call, session) is None


def test_a_retry_loop_whose_try_else_breaks_leaves_after_the_commit() -> None:
    model = model_of(
        """
        from app.db import SessionLocal

        def job() -> None:
            with SessionLocal() as session:
                for attempt in range(3):
                    try:
                        session.commit()
                    except Exception:
                        session.rollback()
                    else:
                        break
        """
    )
    call = _commit(model)
    session = model.session_receiver(call)
    assert session is not None
    assert transactions.repeated_commit_loop(model, call, session) is None


@pytest.mark.parametrize(
    ("body", "restored"),
    [
        (
            "session.autoflush = False\n    try:\n"
            "        work()\n    finally:\n        session.autoflush = True",
            True,
        ),
        (
            "try:\n        session.autoflush = False\n"
            "        work()\n    finally:\n        session.autoflush = old",
            True,
        ),
        ("session.autoflush = False\n    work()", False),
        (
            "session.autoflush = False\n    try:\n"
            "        work()\n    finally:\n        session.autoflush = False",
            False,
        ),
    ],
)
def test_a_finally_that_sets_autoflush_back_restores_it(body: str, restored: bool) -> None:
    model = model_of(f"def f(session, old):\n    {body}\n")
    assignment = next(
        node
        for node in ast.walk(model.tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and node.value.value is False
    )
    assert transactions.restored_in_finally(model, assignment, "session.autoflush") is restored


def test_statements_after_a_rollback_that_raise_are_seen() -> None:
    model = model_of(
        """
        def f(session):
            try:
                work()
            except Exception:
                session.rollback()
                raise
        """
    )
    call = node_at(model, "session.rollback()", ast.Call)
    assert isinstance(call, ast.Call)
    assert transactions.raises_right_after(model, call)


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())
