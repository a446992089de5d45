"""Real serialization failures, deadlocks, lock timeouts and killed connections.

Every failure here is produced by the real server: two SERIALIZABLE
transactions that conflict, two threads that lock rows in opposite order,
a lock held by another connection, ``pg_terminate_backend``. Waits are
bounded by ``lock_timeout``/``innodb_lock_wait_timeout``, barrier and join
timeouts.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from sessionsafe.runtime import (
    RuntimeEvent,
    SwallowedDatabaseError,
    add_observer,
    async_run_in_transaction,
    is_retryable,
    reset_runtime_stats,
    run_in_transaction,
    runtime_stats,
    unit_of_work,
)
from tests.services import (
    MARIADB,
    MARIADB_ASYNC_URL,
    MARIADB_URL,
    POSTGRES,
    POSTGRES_ASYNC_URL,
    POSTGRES_URL,
)

THREAD_TIMEOUT = 30.0


def accounts_table(engine: Engine) -> Table:
    """Create ``acc_<random>`` with rows (1, 0) and (2, 0)."""
    table = Table(
        f"acc_{uuid.uuid4().hex[:12]}",
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("value", Integer, nullable=False),
    )
    table.create(engine)
    with engine.begin() as connection:
        connection.execute(insert(table), [{"id": 1, "value": 0}, {"id": 2, "value": 0}])
    return table


def values(engine: Engine, table: Table) -> dict[int, int]:
    with engine.connect() as connection:
        return {row.id: row.value for row in connection.execute(select(table))}


def set_on_connect(engine: Engine, *statements: str) -> None:
    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        cursor.close()
        # psycopg opens a transaction for the SETs; end it before the pool hands it out.
        dbapi_connection.commit()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    POSTGRES.require()
    engine = create_engine(POSTGRES_URL)
    # Short deadlock detection keeps the test fast; lock_timeout bounds any wait.
    set_on_connect(engine, "SET deadlock_timeout = '100ms'", "SET lock_timeout = '10s'")
    yield engine
    engine.dispose()


@pytest.fixture
def maria_engine() -> Iterator[Engine]:
    MARIADB.require()
    engine = create_engine(MARIADB_URL)
    set_on_connect(engine, "SET SESSION innodb_lock_wait_timeout = 10")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_accounts(pg_engine: Engine) -> Iterator[Table]:
    table = accounts_table(pg_engine)
    yield table
    table.drop(pg_engine)


@pytest.fixture
def maria_accounts(maria_engine: Engine) -> Iterator[Table]:
    table = accounts_table(maria_engine)
    yield table
    table.drop(maria_engine)


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    reset_runtime_stats()


def write_skew_competitor(url: str, table: Table) -> None:
    """A concurrent SERIALIZABLE transaction: read the sum, add a row, commit first."""
    competitor = create_engine(url, isolation_level="SERIALIZABLE", poolclass=NullPool)
    try:
        with competitor.begin() as connection:
            total = connection.scalar(select(func.sum(table.c.value)))
            connection.execute(insert(table).values(id=100, value=total + 100))
    finally:
        competitor.dispose()


class TestSerializationFailure:
    def test_run_in_transaction_retries_a_real_serialization_failure_to_success(
        self, pg_accounts: Table
    ) -> None:
        """Write skew between two SERIALIZABLE transactions: the loser is re-run and commits."""
        engine = create_engine(POSTGRES_URL, isolation_level="SERIALIZABLE")
        attempts: list[int] = []

        def add_row_with_total(session: Session) -> int:
            attempts.append(len(attempts) + 1)
            total = session.scalar(select(func.sum(pg_accounts.c.value)))
            if len(attempts) == 1:
                write_skew_competitor(POSTGRES_URL, pg_accounts)
            session.execute(insert(pg_accounts).values(id=200, value=total + 1))
            return len(attempts)

        try:
            result = run_in_transaction(engine, add_row_with_total, backoff=0.01)
        finally:
            engine.dispose()
        assert result == 2
        assert values(create_engine(POSTGRES_URL, poolclass=NullPool), pg_accounts) == {
            1: 0,
            2: 0,
            100: 100,
            200: 101,  # computed from the competitor's committed row: no lost update
        }
        assert runtime_stats().retries == 1

    def test_serialization_failure_is_classified_retryable(self, pg_accounts: Table) -> None:
        """The real 40001 error, and a SwallowedDatabaseError caused by it, are retryable."""
        engine = create_engine(POSTGRES_URL, isolation_level="SERIALIZABLE")
        try:
            with pytest.raises(OperationalError) as raised, unit_of_work(engine) as session:
                total = session.scalar(select(func.sum(pg_accounts.c.value)))
                write_skew_competitor(POSTGRES_URL, pg_accounts)
                session.execute(insert(pg_accounts).values(id=200, value=total + 1))
        finally:
            engine.dispose()
        error = raised.value
        assert getattr(error.orig, "sqlstate", None) == "40001"
        assert is_retryable(error)
        wrapper = SwallowedDatabaseError.of((error,), (None,))
        wrapper.__cause__ = error
        assert is_retryable(wrapper)

    async def test_async_run_in_transaction_retries_asyncpg_serialization_failure(
        self, pg_accounts: Table
    ) -> None:
        """asyncpg reports 40001 as a plain DBAPIError; it is still retried to success."""
        engine = create_async_engine(POSTGRES_ASYNC_URL, isolation_level="SERIALIZABLE")
        attempts: list[int] = []
        failures: list[BaseException] = []

        async def add_row_with_total(session: AsyncSession) -> None:
            attempts.append(len(attempts) + 1)
            total = await session.scalar(select(func.sum(pg_accounts.c.value)))
            if len(attempts) == 1:
                write_skew_competitor(POSTGRES_URL, pg_accounts)
            await session.execute(insert(pg_accounts).values(id=200, value=total + 1))

        remove = _capture_retries(failures)
        try:
            await async_run_in_transaction(engine, add_row_with_total, backoff=0.01)
        finally:
            remove()
            await engine.dispose()
        assert attempts == [1, 2]
        assert type(failures[0]) is DBAPIError  # not an OperationalError
        assert values(create_engine(POSTGRES_URL, poolclass=NullPool), pg_accounts)[200] == 101


def _capture_retries(failures: list[BaseException]) -> Callable[[], None]:
    def observe(kind: RuntimeEvent, error: BaseException | None) -> None:
        if kind is RuntimeEvent.RETRY and error is not None:
            failures.append(error)

    return add_observer(observe)


def run_crossing_updates(
    engine: Engine, table: Table, *, retries: int
) -> tuple[dict[str, BaseException | None], list[BaseException]]:
    """Two threads update rows 1,2 and 2,1; both wait at a barrier holding their first lock."""
    barrier = threading.Barrier(2, timeout=THREAD_TIMEOUT)
    outcome: dict[str, BaseException | None] = {}
    failures: list[BaseException] = []
    remove = _capture_retries(failures)

    def transfer(session: Session, first: int, second: int, attempt: list[int]) -> None:
        attempt.append(1)
        session.execute(update(table).where(table.c.id == first).values(value=table.c.value + 1))
        if len(attempt) == 1:
            barrier.wait()  # both now hold one row lock: the next updates cross
        session.execute(update(table).where(table.c.id == second).values(value=table.c.value + 1))

    def worker(name: str, first: int, second: int) -> None:
        try:
            run_in_transaction(engine, transfer, first, second, [], retries=retries, backoff=0.01)
            outcome[name] = None
        except BaseException as error:
            outcome[name] = error

    threads = [
        threading.Thread(target=worker, args=("a", 1, 2)),
        threading.Thread(target=worker, args=("b", 2, 1)),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(THREAD_TIMEOUT)
            assert not thread.is_alive(), "a deadlock test thread did not finish in time"
    finally:
        remove()
    return outcome, failures


class TestDeadlock:
    def test_postgres_deadlock_is_retried_and_both_transfers_commit(
        self, pg_engine: Engine, pg_accounts: Table
    ) -> None:
        """One thread gets 40P01, is re-run, and both updates end up applied exactly once."""
        outcome, failures = run_crossing_updates(pg_engine, pg_accounts, retries=3)
        assert outcome == {"a": None, "b": None}
        assert len(failures) == 1
        assert getattr(getattr(failures[0], "orig", None), "sqlstate", None) == "40P01"
        assert values(pg_engine, pg_accounts) == {1: 2, 2: 2}

    def test_postgres_deadlock_without_retries_loses_exactly_one_transfer(
        self, pg_engine: Engine, pg_accounts: Table
    ) -> None:
        """With retries=0 the victim's whole unit is rolled back; the other commits."""
        outcome, _ = run_crossing_updates(pg_engine, pg_accounts, retries=0)
        errors = [error for error in outcome.values() if error is not None]
        assert len(errors) == 1
        assert is_retryable(errors[0])
        assert values(pg_engine, pg_accounts) == {1: 1, 2: 1}

    def test_mariadb_deadlock_is_retried_and_both_transfers_commit(
        self, maria_engine: Engine, maria_accounts: Table
    ) -> None:
        """InnoDB's 1213 victim is re-run; both updates are applied exactly once."""
        outcome, failures = run_crossing_updates(maria_engine, maria_accounts, retries=3)
        assert outcome == {"a": None, "b": None}
        assert len(failures) == 1
        assert getattr(failures[0], "orig", None).args[0] == 1213  # type: ignore[union-attr]
        assert values(maria_engine, maria_accounts) == {1: 2, 2: 2}


class TestLockTimeouts:
    def test_mariadb_lock_wait_timeout_is_retried_only_when_asked(
        self, maria_engine: Engine, maria_accounts: Table
    ) -> None:
        """1205 is not retryable by default, retryable with lock_timeouts=True."""
        waiter = create_engine(MARIADB_URL, poolclass=NullPool)
        set_on_connect(waiter, "SET SESSION innodb_lock_wait_timeout = 1")
        try:
            with maria_engine.connect() as holder:
                holder.begin()
                holder.execute(update(maria_accounts).values(value=5))
                with pytest.raises(OperationalError) as raised, unit_of_work(waiter) as session:
                    session.execute(update(maria_accounts).values(value=7))
                holder.rollback()
        finally:
            waiter.dispose()
        assert raised.value.orig.args[0] == 1205
        assert not is_retryable(raised.value)
        assert is_retryable(raised.value, lock_timeouts=True)
        assert values(maria_engine, maria_accounts) == {1: 0, 2: 0}

    def test_postgres_lock_timeout_is_retried_only_when_asked(
        self, pg_engine: Engine, pg_accounts: Table
    ) -> None:
        """55P03 lock_not_available follows the same opt-in."""
        waiter = create_engine(POSTGRES_URL, poolclass=NullPool)
        set_on_connect(waiter, "SET lock_timeout = '200ms'")
        try:
            with pg_engine.connect() as holder:
                holder.begin()
                holder.execute(update(pg_accounts).values(value=5))
                with pytest.raises(OperationalError) as raised, unit_of_work(waiter) as session:
                    session.execute(update(pg_accounts).values(value=7))
                holder.rollback()
        finally:
            waiter.dispose()
        assert getattr(raised.value.orig, "sqlstate", None) == "55P03"
        assert not is_retryable(raised.value)
        assert is_retryable(raised.value, lock_timeouts=True)


def terminate(pid: int) -> None:
    """Kill PostgreSQL backend `pid` from another connection and wait until it is gone."""
    killer = create_engine(POSTGRES_URL, poolclass=NullPool)
    try:
        with killer.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            deadline = time.monotonic() + 5.0
            query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
            while connection.execute(query, {"pid": pid}).scalar() and time.monotonic() < deadline:
                time.sleep(0.02)
    finally:
        killer.dispose()


class TestKilledConnection:
    def test_unit_fails_cleanly_and_the_next_unit_gets_a_fresh_connection(
        self, pg_engine: Engine, pg_accounts: Table
    ) -> None:
        """pg_terminate_backend mid-unit: the unit raises and releases all; the next unit works."""
        with pytest.raises(OperationalError) as raised, unit_of_work(pg_engine) as session:
            killed_pid = session.scalar(text("SELECT pg_backend_pid()"))
            session.execute(update(pg_accounts).values(value=1))
            terminate(killed_pid)
            session.execute(update(pg_accounts).values(value=2))
        assert raised.value.connection_invalidated
        assert is_retryable(raised.value)
        assert pg_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        with unit_of_work(pg_engine) as session:
            fresh_pid = session.scalar(text("SELECT pg_backend_pid()"))
            session.execute(update(pg_accounts).values(value=3))
        assert fresh_pid != killed_pid
        assert values(pg_engine, pg_accounts) == {1: 3, 2: 3}

    def test_run_in_transaction_reruns_a_unit_whose_connection_was_killed(
        self, pg_engine: Engine, pg_accounts: Table
    ) -> None:
        """Lost before COMMIT was sent: safe to re-run, and the re-run commits."""
        pids: list[int] = []

        def work(session: Session) -> None:
            pids.append(session.scalar(text("SELECT pg_backend_pid()")))
            session.execute(update(pg_accounts).values(value=len(pids)))
            if len(pids) == 1:
                terminate(pids[0])
            session.execute(update(pg_accounts).where(pg_accounts.c.id == 1).values(value=10))

        run_in_transaction(pg_engine, work, backoff=0.01)
        assert len(pids) == 2
        assert pids[0] != pids[1]
        assert values(pg_engine, pg_accounts) == {1: 10, 2: 2}

    def test_connection_lost_during_commit_is_ambiguous_and_not_retried_by_default(
        self, pg_engine: Engine, pg_accounts: Table
    ) -> None:
        """Killed right before COMMIT: the outcome is unknown, so only an opt-in retries it."""
        attempts: list[int] = []

        def work_then_die_before_commit(session: Session) -> None:
            attempts.append(1)
            session.execute(update(pg_accounts).values(value=len(attempts)))
            if len(attempts) == 1:
                terminate(session.scalar(text("SELECT pg_backend_pid()")))

        with pytest.raises(OperationalError) as raised:
            run_in_transaction(pg_engine, work_then_die_before_commit, backoff=0.01)
        assert attempts == [1]
        assert raised.value.connection_invalidated
        assert raised.value.statement is None
        assert is_retryable(raised.value, ambiguous_commit=True)

        attempts.clear()
        run_in_transaction(
            pg_engine, work_then_die_before_commit, ambiguous_commit=True, backoff=0.01
        )
        assert attempts == [1, 1]
        assert values(pg_engine, pg_accounts) == {1: 2, 2: 2}


class TestClassification:
    def test_constraint_violation_and_plain_errors_are_not_retryable(
        self, pg_engine: Engine, pg_accounts: Table
    ) -> None:
        """A duplicate key is a bug to report, not a conflict to retry."""
        with pytest.raises(IntegrityError) as raised, unit_of_work(pg_engine) as session:
            session.execute(insert(pg_accounts).values(id=1, value=0))
        assert not is_retryable(raised.value)
        assert not is_retryable(ValueError("not a database error"))

    def test_retries_are_bounded_and_the_last_error_is_raised(
        self, pg_engine: Engine, pg_accounts: Table
    ) -> None:
        """retries=2 means three attempts at most, then the last failure propagates."""
        engine = create_engine(POSTGRES_URL, isolation_level="SERIALIZABLE")
        attempts: list[int] = []

        def always_conflicting(session: Session) -> None:
            attempts.append(1)
            total = session.scalar(select(func.sum(pg_accounts.c.value)))
            other_engine = create_engine(
                POSTGRES_URL, isolation_level="SERIALIZABLE", poolclass=NullPool
            )
            with other_engine.begin() as other:
                other_total = other.scalar(select(func.sum(pg_accounts.c.value)))
                other.execute(
                    insert(pg_accounts).values(id=1000 + len(attempts), value=other_total)
                )
            session.execute(insert(pg_accounts).values(id=2000 + len(attempts), value=total))

        try:
            with pytest.raises(OperationalError) as raised:
                run_in_transaction(engine, always_conflicting, retries=2, backoff=0.01)
        finally:
            engine.dispose()
        assert len(attempts) == 3
        assert is_retryable(raised.value)
        assert runtime_stats().retries == 2

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"retries": -1}, "retries=-1 must be 0 or more"),
            ({"backoff": -0.1}, "must be 0 or more seconds"),
        ],
    )
    def test_bad_retry_options_are_rejected_before_any_work(
        self, options: dict[str, Any], message: str
    ) -> None:
        """Negative retries or delays are a ValueError; the work never runs."""
        ran: list[int] = []
        with pytest.raises(ValueError, match=message):
            run_in_transaction(lambda: Session(), lambda session: ran.append(1), **options)
        assert ran == []


async def test_aiomysql_deadlock_is_retried_and_both_transfers_commit(
    maria_accounts: Table,
) -> None:
    """Two asyncio tasks lock rows in opposite order; the 1213 victim is re-run and commits."""
    engine = create_async_engine(MARIADB_ASYNC_URL)
    set_on_connect(engine.sync_engine, "SET SESSION innodb_lock_wait_timeout = 10")
    # asyncio.Barrier needs Python 3.11; the project supports 3.10.
    arrived: list[int] = []
    both_hold_a_lock = asyncio.Event()
    failures: list[BaseException] = []

    async def meet() -> None:
        arrived.append(1)
        if len(arrived) == 2:
            both_hold_a_lock.set()
        await asyncio.wait_for(both_hold_a_lock.wait(), THREAD_TIMEOUT)

    async def transfer(session: AsyncSession, first: int, second: int, attempt: list[int]) -> None:
        attempt.append(1)
        rows = maria_accounts.c
        await session.execute(
            update(maria_accounts).where(rows.id == first).values(value=rows.value + 1)
        )
        if len(attempt) == 1:
            await meet()
        await session.execute(
            update(maria_accounts).where(rows.id == second).values(value=rows.value + 1)
        )

    remove = _capture_retries(failures)
    try:
        await asyncio.wait_for(
            asyncio.gather(
                async_run_in_transaction(engine, transfer, 1, 2, [], backoff=0.01),
                async_run_in_transaction(engine, transfer, 2, 1, [], backoff=0.01),
            ),
            THREAD_TIMEOUT,
        )
    finally:
        remove()
        await engine.dispose()
    assert len(failures) == 1
    assert getattr(failures[0], "orig", None).args[0] == 1213  # type: ignore[union-attr]
    reader = create_engine(MARIADB_URL, poolclass=NullPool)
    assert values(reader, maria_accounts) == {1: 2, 2: 2}
