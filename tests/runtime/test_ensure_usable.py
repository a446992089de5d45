"""`ensure_usable`: repair long-lived sessions between tasks, and leave healthy ones alone."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from sessionsafe.runtime import async_ensure_usable, ensure_usable
from tests.runtime.conftest import StatementLog, Table, drop_table, make_table
from tests.services import POSTGRES, POSTGRES_URL


def test_failed_flush_is_rolled_back_and_named_in_the_log(
    engine: Engine, table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    """A session left in PendingRollbackError state is repaired; the warning names the cause."""
    table.insert_committed("START")
    session = Session(engine)
    with contextlib.suppress(IntegrityError):
        session.add(table.model(event="START"))
        session.commit()
    assert not session.is_active
    with caplog.at_level(logging.WARNING, logger="sessionsafe"):
        assert ensure_usable(session) is True
    assert "failed flush or commit: IntegrityError" in caplog.text
    assert ensure_usable(session) is False
    session.add(table.model(event="SHUTDOWN"))
    session.commit()
    session.close()
    assert table.stored() == ["SHUTDOWN", "START"]


def test_swallowed_statement_error_is_rolled_back(
    engine: Engine, table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    """The session still looks active, but its transaction lost (PostgreSQL) or kept part of
    (SQLite, MariaDB) its work: ensure_usable rolls back so neither is committed."""
    table.insert_committed("taken")
    session = Session(engine)
    session.add(table.model(event="half"))
    session.flush()
    with contextlib.suppress(IntegrityError):
        session.execute(insert(table.model.__table__).values(event="taken"))
    assert session.is_active
    with caplog.at_level(logging.WARNING, logger="sessionsafe"):
        assert ensure_usable(session) is True
    assert "caught without a rollback: IntegrityError" in caplog.text
    session.add(table.model(event="next"))
    session.commit()
    session.close()
    assert table.stored() == ["next", "taken"]


def test_error_undone_by_a_savepoint_rollback_is_not_a_failure(
    engine: Engine, table: Table
) -> None:
    """An error inside a rolled-back begin_nested() leaves a healthy session."""
    table.insert_committed("taken")
    with Session(engine) as session:
        session.add(table.model(event="kept"))
        session.flush()
        with contextlib.suppress(IntegrityError), session.begin_nested():
            session.execute(insert(table.model.__table__).values(event="taken"))
        assert ensure_usable(session) is False
        session.commit()
    assert table.stored() == ["kept", "taken"]


def test_explicitly_invalidated_connection_is_repaired(engine: Engine, table: Table) -> None:
    """A transaction whose connection was invalidated is rolled back and gets a new one."""
    session = Session(engine)
    session.add(table.model(event="lost"))
    session.flush()
    session.connection().invalidate()
    assert ensure_usable(session) is True
    session.add(table.model(event="after"))
    session.commit()
    session.close()
    assert table.stored() == ["after"]


@pytest.fixture
def pg_table() -> Iterator[Table]:
    POSTGRES.require()
    reader = create_engine(POSTGRES_URL, poolclass=NullPool)
    made = make_table(reader)
    yield made
    drop_table(made)


def test_connection_killed_under_a_worker_session_is_repaired(
    pg_table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    """pg_terminate_backend, error swallowed by the task: the next task still works."""
    table = pg_table
    engine = create_engine(POSTGRES_URL)
    session = Session(engine)
    try:
        pid = session.scalar(text("SELECT pg_backend_pid()"))
        with create_engine(POSTGRES_URL, poolclass=NullPool).connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            try:
                session.execute(text("SELECT 1"))
            except OperationalError:
                break  # swallowed, as the task did
            time.sleep(0.02)
        with caplog.at_level(logging.WARNING, logger="sessionsafe"):
            assert ensure_usable(session) is True
        assert "OperationalError" in caplog.text
        assert session.scalar(text("SELECT pg_backend_pid()")) != pid
        session.add(table.model(event="after"))
        session.commit()
    finally:
        session.close()
        engine.dispose()
    assert table.stored() == ["after"]


def test_healthy_session_costs_no_sql(engine: Engine, table: Table) -> None:
    """Healthy sessions (idle, or mid-transaction) are left alone without a statement."""
    log = StatementLog(engine)
    try:
        with Session(engine) as session:
            assert ensure_usable(session) is False
            session.add(table.model(event="a"))
            session.flush()
            log.take()
            assert ensure_usable(session) is False
            assert log.take() == []
            session.commit()
    finally:
        log.stop()
    assert table.stored() == ["a"]


def test_seed_000_worker_with_ensure_usable_loses_no_innocent_task(
    engine: Engine, table: Table
) -> None:
    """The seed's worker session, checked before each task: only the duplicate is lost."""
    worker_session = Session(engine)

    def task(name: str) -> None:
        ensure_usable(worker_session)
        try:
            worker_session.add(table.model(event=name))
            worker_session.commit()
        except IntegrityError:
            pass  # the seed's bug: no rollback

    for name in ["e1", "e1", "e2", "e3"]:
        task(name)
    worker_session.close()
    assert table.stored() == ["e1", "e2", "e3"]


async def test_async_failed_flush_is_repaired(
    async_engine: AsyncEngine, async_table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    """async_ensure_usable awaits the rollback of a failed AsyncSession."""
    async_table.insert_committed("START")
    session = AsyncSession(async_engine)
    session.add(async_table.model(event="START"))
    with contextlib.suppress(IntegrityError):
        await session.commit()
    with caplog.at_level(logging.WARNING, logger="sessionsafe"):
        assert await async_ensure_usable(session) is True
    assert await async_ensure_usable(session) is False
    session.add(async_table.model(event="SHUTDOWN"))
    await session.commit()
    await session.close()
    assert async_table.stored() == ["SHUTDOWN", "START"]


async def test_async_swallowed_query_error_is_repaired(
    async_engine: AsyncEngine, async_table: Table
) -> None:
    """asyncpg would silently drop 'half' at COMMIT; aiosqlite/aiomysql would keep it."""
    session = AsyncSession(async_engine)
    session.add(async_table.model(event="half"))
    await session.flush()
    with contextlib.suppress(ProgrammingError, OperationalError):
        await session.execute(text("SELECT * FROM no_such_table_anywhere"))
    assert await async_ensure_usable(session) is True
    session.add(async_table.model(event="next"))
    await session.commit()
    await session.close()
    assert async_table.stored() == ["next"]
