"""`async_unit_of_work` on aiosqlite, asyncpg and aiomysql."""

from __future__ import annotations

import contextlib
import logging
import sys

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from sessionsafe.runtime import (
    AsyncUnitOfWork,
    CommitInsideUnitOfWork,
    SwallowedDatabaseError,
    async_unit_of_work,
)
from tests.runtime.conftest import StatementLog, Table


def next_line() -> str:
    """``"<this file>:<line after the caller's>"``: where the caller's next statement is."""
    caller = sys._getframe(1)
    return f"{caller.f_code.co_filename}:{caller.f_lineno + 1}"


async def test_block_work_is_committed_once_at_the_end(
    async_engine: AsyncEngine, async_table: Table
) -> None:
    """Rows flushed in the block are stored only when the block ends."""
    async with async_unit_of_work(async_sessionmaker(async_engine)) as session:
        session.add(async_table.model(event="a"))
        await session.flush()
        assert async_table.stored() == []
    assert async_table.stored() == ["a"]


async def test_exception_rolls_back_and_propagates(
    async_engine: AsyncEngine, async_table: Table
) -> None:
    """An exception in the block leaves nothing stored and reaches the caller."""
    with pytest.raises(ValueError, match="business"):
        async with async_unit_of_work(async_engine) as session:
            session.add(async_table.model(event="a"))
            await session.flush()
            raise ValueError("business failure")
    assert async_table.stored() == []


async def test_objects_stay_readable_after_the_commit(
    async_engine: AsyncEngine, async_table: Table
) -> None:
    """expire_on_commit=False by default: no MissingGreenlet when reading after the unit."""
    async with async_unit_of_work(async_sessionmaker(async_engine)) as session:
        row = async_table.model(event="readable")
        session.add(row)
    assert row.event == "readable"


async def test_expire_on_commit_can_be_asked_for(async_engine: AsyncEngine) -> None:
    """expire_on_commit=True is applied to the session the unit opens."""
    unit = async_unit_of_work(async_sessionmaker(async_engine), expire_on_commit=True)
    assert unit.session.sync_session.expire_on_commit is True
    await unit.close()


async def test_unit_emits_exactly_the_sql_of_a_begin_block(
    async_engine: AsyncEngine, async_table: Table
) -> None:
    """Same statements and COMMIT as `async with factory.begin()`."""
    factory = async_sessionmaker(async_engine, expire_on_commit=False)
    log = StatementLog(async_engine.sync_engine)
    try:
        async with factory.begin() as session:
            session.add(async_table.model(event="by-hand"))
            await session.execute(select(async_table.model.id))
        by_hand = log.take()
        async with async_unit_of_work(factory) as session:
            session.add(async_table.model(event="by-unit"))
            await session.execute(select(async_table.model.id))
        by_unit = log.take()
    finally:
        log.stop()
    assert by_unit == by_hand
    assert by_unit[-1] == "COMMIT"
    assert async_table.stored() == ["by-hand", "by-unit"]


async def test_seed_000_worker_loop(async_engine: AsyncEngine, async_table: Table) -> None:
    """One unit per task: the duplicate fails alone and the next event is stored."""
    factory = async_sessionmaker(async_engine)
    outcomes = []
    for name in ["START", "START", "SHUTDOWN"]:
        try:
            async with async_unit_of_work(factory) as session:
                session.add(async_table.model(event=name))
            outcomes.append("stored")
        except IntegrityError:
            outcomes.append("duplicate")
    assert outcomes == ["stored", "duplicate", "stored"]
    assert async_table.stored() == ["SHUTDOWN", "START"]


async def test_swallowed_unique_violation_is_refused(
    async_engine: AsyncEngine, async_table: Table
) -> None:
    """asyncpg would silently lose 'kept', aiosqlite/aiomysql commit it: the unit refuses."""
    async_table.insert_committed("taken")
    with pytest.raises(SwallowedDatabaseError) as raised:
        async with async_unit_of_work(async_engine) as session:
            session.add(async_table.model(event="kept"))
            await session.flush()
            with contextlib.suppress(IntegrityError):
                location = next_line()
                await session.execute(insert(async_table.model.__table__).values(event="taken"))
    assert isinstance(raised.value.__cause__, DBAPIError)
    assert raised.value.locations == (location,)
    assert async_table.stored() == ["taken"]


async def test_savepoint_failure_caught_outside_is_allowed(
    async_engine: AsyncEngine, async_table: Table
) -> None:
    """A conflict inside begin_nested() caught outside the block leaves the unit committable."""
    async_table.insert_committed("dup")
    async with async_unit_of_work(async_engine) as session:
        session.add(async_table.model(event="outer1"))
        await session.flush()
        with contextlib.suppress(IntegrityError):
            async with session.begin_nested():
                session.add(async_table.model(event="dup"))
        session.add(async_table.model(event="outer2"))
    assert async_table.stored() == ["dup", "outer1", "outer2"]


async def test_guard_raises_at_the_awaited_commit_line(
    async_engine: AsyncEngine, async_table: Table
) -> None:
    """`await session.commit()` inside the unit raises, naming the test's line."""
    with pytest.raises(CommitInsideUnitOfWork) as raised:
        async with async_unit_of_work(async_engine) as session:
            session.add(async_table.model(event="a"))
            location = next_line()
            await session.commit()
    assert raised.value.location == location
    assert async_table.stored() == []


async def test_caught_guard_error_still_prevents_the_commit(
    async_engine: AsyncEngine, async_table: Table
) -> None:
    """Swallowing the guard's error does not let an async unit commit."""
    with pytest.raises(CommitInsideUnitOfWork, match="was caught"):
        async with async_unit_of_work(async_engine) as session:
            session.add(async_table.model(event="a"))
            with contextlib.suppress(CommitInsideUnitOfWork):
                await session.commit()
    assert async_table.stored() == []


async def test_rollback_in_block_raises(async_engine: AsyncEngine, async_table: Table) -> None:
    """`await session.rollback()` inside the unit is a violation."""
    with pytest.raises(CommitInsideUnitOfWork) as raised:
        async with async_unit_of_work(async_engine) as session:
            session.add(async_table.model(event="a"))
            await session.flush()
            await session.rollback()
    assert raised.value.operation == "rollback"
    assert async_table.stored() == []


async def test_close_in_block_is_refused(async_engine: AsyncEngine, async_table: Table) -> None:
    """`await session.close()` inside an async unit drops work: the unit refuses to commit."""
    with pytest.raises(CommitInsideUnitOfWork) as raised:
        async with async_unit_of_work(async_engine) as session:
            session.add(async_table.model(event="dropped"))
            await session.flush()
            location = next_line()
            await session.close()
            session.add(async_table.model(event="after"))
    assert raised.value.operation == "close"
    assert raised.value.location == location
    assert async_table.stored() == []


async def test_guard_warn_lets_the_commit_happen(
    async_engine: AsyncEngine, async_table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    """guard='warn' logs and commits twice, as the code asked."""
    with caplog.at_level(logging.WARNING, logger="sessionsafe"):
        async with async_unit_of_work(async_engine, guard="warn") as session:
            session.add(async_table.model(event="first"))
            await session.commit()
            assert async_table.stored() == ["first"]
            session.add(async_table.model(event="second"))
    assert async_table.stored() == ["first", "second"]
    assert "guard='warn'" in caplog.text


async def test_guard_flush_keeps_one_transaction(
    async_engine: AsyncEngine, async_table: Table
) -> None:
    """guard='flush': `await session.commit()` flushes; the later exception undoes it all."""
    with pytest.raises(ValueError, match="after"):
        async with async_unit_of_work(async_engine, guard="flush") as session:
            row = async_table.model(event="a")
            session.add(row)
            await session.commit()
            assert row.id is not None
            raise ValueError("after the commit")
    assert async_table.stored() == []


async def test_driven_by_hand_and_adopted(async_engine: AsyncEngine, async_table: Table) -> None:
    """AsyncUnitOfWork.adopt guards a session it did not create and leaves it open."""
    async with AsyncSession(async_engine) as session:
        unit = AsyncUnitOfWork.adopt(session)
        session.add(async_table.model(event="a"))
        with pytest.raises(CommitInsideUnitOfWork):
            await session.commit()
        await unit.close()
        second = AsyncUnitOfWork.adopt(session)
        session.add(async_table.model(event="b"))
        await second.commit()
        await second.close()
        assert (await session.execute(text("SELECT 1"))).scalar() == 1
    assert async_table.stored() == ["b"]
