"""Async sessions: which coroutine calls are left un-awaited, where a sync session enters."""

from __future__ import annotations

import ast

import pytest

from sessionsafe.lint.analysis import awaits

from .helpers import model_of, node_at

_PRELUDE = """
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session


async def handler(session: AsyncSession, q, obj) -> object:
    {line}
    return None
"""


@pytest.mark.parametrize(
    ("line", "call", "unawaited"),
    [
        ("session.commit()", "session.commit()", True),
        ("await session.commit()", "session.commit()", False),
        ("rows = await session.scalars(q).all()", "session.scalars(q)", True),
        ("rows = (await session.scalars(q)).all()", "session.scalars(q)", False),
        ("result = session.execute(q)", "session.execute(q)", True),
        ("await asyncio.gather(session.commit())", "session.commit()", False),
        ("session.add(obj)", "session.add(obj)", False),
        ("session.expunge(obj)", "session.expunge(obj)", False),
        ("if session.get(obj, 1) is None: pass", "session.get(obj, 1)", True),
        ("coro = session.flush(); await coro", "session.flush()", False),
    ],
)
def test_which_async_session_calls_are_left_unawaited(
    line: str, call: str, unawaited: bool
) -> None:
    """Coroutine methods must be awaited (or handed on); `add`/`expunge` are synchronous."""
    model = model_of(_PRELUDE.format(line=line))
    node = node_at(model, call, ast.Call)
    assert isinstance(node, ast.Call)
    assert (awaits.unawaited_session_call(model, node) is not None) is unawaited


def test_a_sync_session_annotation_makes_its_calls_unchecked() -> None:
    """`Session.commit()` is synchronous: nothing to await."""
    model = model_of(
        """
        from sqlalchemy.orm import Session

        def save(session: Session) -> None:
            session.commit()
        """
    )
    node = node_at(model, "session.commit()", ast.Call)
    assert isinstance(node, ast.Call)
    assert awaits.unawaited_session_call(model, node) is None


def test_a_name_bound_by_async_with_is_an_async_session() -> None:
    model = model_of(
        """
        from platform_core import db

        async def count() -> int:
            async with db.session_factory() as session:
                return session.scalar(q)
        """
    )
    node = node_at(model, "session.scalar(q)", ast.Call)
    assert isinstance(node, ast.Call)
    assert awaits.unawaited_session_call(model, node) is not None


def test_an_aiohttp_client_session_is_not_an_async_database_session() -> None:
    model = model_of(
        """
        import aiohttp

        async def fetch(url: str) -> None:
            async with aiohttp.ClientSession() as session:
                session.close()
        """
    )
    node = node_at(model, "session.close()", ast.Call)
    assert isinstance(node, ast.Call)
    assert awaits.unawaited_session_call(model, node) is None


@pytest.mark.parametrize(
    ("source", "entry"),
    [
        (
            "async def route(db: Session = Depends(get_db)):\n    return db.query(X).all()",
            "db: Session",
        ),
        (
            "async def job():\n    with SessionLocal() as session:\n        session.execute(q)",
            "SessionLocal()",
        ),
        ("def job():\n    with SessionLocal() as session:\n        session.execute(q)", None),
        (
            "async def job(session: AsyncSession):\n    await session.execute(q)",
            None,
        ),
        (
            "async def job():\n"
            "    async with SessionLocal() as session:\n        await session.execute(q)",
            None,
        ),
    ],
)
def test_where_a_sync_session_enters_a_coroutine(source: str, entry: str | None) -> None:
    """Its parameter or the call creating it; never in a plain `def` or for async sessions."""
    model = model_of(
        "from fastapi import Depends\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n"
        "from sqlalchemy.orm import Session\n"
        "from app.db import SessionLocal, get_db\n\n" + source + "\n"
    )
    function = model.structure.functions["route" if "route" in source else "job"]
    found = awaits.sync_session_entry(model, function)
    if entry is None:
        assert found is None
    else:
        assert found is not None
        assert ast.get_source_segment(model.source, found) == entry


@pytest.mark.parametrize(("keyword", "unawaited"), [("async def", True), ("def", False)])
def test_a_returned_coroutine_is_awaited_by_the_caller_of_a_plain_def(
    keyword: str, unawaited: bool
) -> None:
    """`return session.commit()` hands the coroutine on from a `def`, not from an `async def`."""
    source = (
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
        f"{keyword} save(session: AsyncSession):\n    return session.commit()\n"
    )
    model = model_of(source)
    call = node_at(model, "session.commit()", ast.Call)
    assert isinstance(call, ast.Call)
    assert (awaits.unawaited_session_call(model, call) is not None) is unawaited
