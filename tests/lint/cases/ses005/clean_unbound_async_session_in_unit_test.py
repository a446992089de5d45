"""Unit tests construct `AsyncSession()` with no engine to exercise session-event hooks.

Modelled on a real backend's tests (found by running the linter on the whole project):
the code under test registers "run this after commit" callbacks in `session.info`, so the
tests only need a session object and never touch a database. An `AsyncSession()` with
no `bind` cannot check out a connection, so not closing it leaks nothing: not SES005. (A
session built on an engine in a test is still a finding; compare
`bad_pytest_fixture_yields_without_close.py`.)
"""
from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from app.core import background


async def test_deferred_work_has_not_started_before_commit() -> None:
    started = asyncio.Event()

    async def work() -> None:
        started.set()

    session = AsyncSession()
    background.spawn_after_commit(session, work(), name="ingest-document-7")
    await asyncio.sleep(0)
    assert not started.is_set()


async def test_two_sessions_keep_separate_queues() -> None:
    first, second = AsyncSession(), AsyncSession()

    async def noop() -> None:
        return None

    background.spawn_after_commit(first, noop(), name="first")
    assert background.pending(second) == []
