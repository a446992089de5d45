"""`unit_of_work` on SQLite, PostgreSQL (psycopg 3) and MariaDB (PyMySQL)."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import uuid

import pytest
from sqlalchemy import Engine, create_engine, insert, select, text
from sqlalchemy.exc import IntegrityError, InternalError, OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from sessionsafe.runtime import (
    CommitInsideUnitOfWork,
    SessionSafeError,
    SwallowedDatabaseError,
    UnitOfWork,
    unit_of_work,
)
from tests.runtime.conftest import Backend, StatementLog, Table
from tests.services import POSTGRES, POSTGRES_URL


def next_line() -> str:
    """``"<this file>:<line after the caller's>"``: where the caller's next statement is."""
    caller = sys._getframe(1)
    return f"{caller.f_code.co_filename}:{caller.f_lineno + 1}"


class TestCommitOnce:
    def test_block_work_is_committed_once_at_the_end(self, engine: Engine, table: Table) -> None:
        """Rows added in the block are stored when the block ends, not before."""
        factory = sessionmaker(engine)
        with unit_of_work(factory) as session:
            session.add(table.model(event="a"))
            session.flush()
            session.add(table.model(event="b"))
            assert table.stored() == []
        assert table.stored() == ["a", "b"]

    def test_exception_in_block_rolls_back_and_propagates(
        self, engine: Engine, table: Table
    ) -> None:
        """An exception leaves nothing stored and reaches the caller unchanged."""
        with pytest.raises(ValueError, match="business failure"), unit_of_work(engine) as session:
            session.add(table.model(event="a"))
            session.flush()
            raise ValueError("business failure")
        assert table.stored() == []

    def test_session_is_closed_after_the_unit(self, engine: Engine, table: Table) -> None:
        """The unit releases its connection: the pool has nothing checked out afterwards."""
        with unit_of_work(engine) as session:
            session.add(table.model(event="a"))
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        assert session.get_transaction() is None

    @pytest.mark.parametrize("kind", ["engine", "sessionmaker", "scoped_session", "callable"])
    def test_every_factory_kind_opens_a_working_unit(
        self, engine: Engine, table: Table, kind: str
    ) -> None:
        """An Engine, a sessionmaker, a scoped_session and a plain callable all work."""
        maker = sessionmaker(engine)
        factories = {
            "engine": engine,
            "sessionmaker": maker,
            "scoped_session": scoped_session(maker),
            "callable": lambda: Session(engine),
        }
        with unit_of_work(factories[kind]) as session:
            session.add(table.model(event=kind))
        assert table.stored() == [kind]

    def test_factory_returning_something_else_is_rejected(self) -> None:
        """A factory that does not return a Session gets a TypeError naming what it returned."""
        with pytest.raises(TypeError, match="got str; for an AsyncSession use async_unit_of_work"):
            unit_of_work(lambda: "not a session")  # type: ignore[arg-type,return-value]

    def test_async_engine_given_to_the_sync_unit_is_rejected(self) -> None:
        """An AsyncEngine is not a factory for unit_of_work: the error names the right function."""
        async_engine = create_async_engine("sqlite+aiosqlite://")
        with pytest.raises(TypeError, match=r"got AsyncEngine; .* use async_unit_of_work"):
            unit_of_work(async_engine)  # type: ignore[call-overload]

    def test_unknown_guard_policy_is_rejected(self, engine: Engine) -> None:
        """A misspelt policy is a ValueError listing the valid ones."""
        with pytest.raises(ValueError, match="use one of raise, warn, flush"):
            unit_of_work(engine, guard="rase")  # type: ignore[arg-type]

    def test_scoped_session_cannot_nest_units_on_the_same_session(
        self, engine: Engine, table: Table
    ) -> None:
        """A second unit on the session of a unit in progress is refused; the outer one commits."""
        registry = scoped_session(sessionmaker(engine))
        with unit_of_work(registry) as session:
            session.add(table.model(event="outer"))
            with pytest.raises(SessionSafeError, match="already belongs to a unit of work"):
                unit_of_work(registry)
        assert table.stored() == ["outer"]


class TestZeroExtraSql:
    def test_unit_emits_exactly_the_sql_of_a_hand_written_begin_block(
        self, engine: Engine, table: Table
    ) -> None:
        """Same statements, same COMMIT, in the same order as `with factory.begin()`."""
        factory = sessionmaker(engine)
        log = StatementLog(engine)
        try:
            with factory.begin() as session:
                session.add(table.model(event="by-hand"))
                session.execute(select(table.model.id)).all()
            by_hand = log.take()
            with unit_of_work(factory) as session:
                session.add(table.model(event="by-unit"))
                session.execute(select(table.model.id)).all()
            by_unit = log.take()
        finally:
            log.stop()
        assert by_unit == by_hand
        assert by_unit[-1] == "COMMIT"
        assert table.stored() == ["by-hand", "by-unit"]

    def test_failing_unit_emits_exactly_the_sql_of_a_failing_begin_block(
        self, engine: Engine, table: Table
    ) -> None:
        """On an exception both roll back with the same statements."""
        factory = sessionmaker(engine)
        log = StatementLog(engine)
        try:
            with pytest.raises(ValueError, match="by hand"), factory.begin() as session:
                session.add(table.model(event="x"))
                session.flush()
                raise ValueError("by hand")
            by_hand = log.take()
            with pytest.raises(ValueError, match="by unit"), unit_of_work(factory) as session:
                session.add(table.model(event="x"))
                session.flush()
                raise ValueError("by unit")
            by_unit = log.take()
        finally:
            log.stop()
        assert by_unit == by_hand
        assert by_unit[-1] == "ROLLBACK"
        assert table.stored() == []


class TestSeed000:
    def test_worker_loop_survives_a_duplicate_and_stores_the_next_event(
        self, engine: Engine, table: Table
    ) -> None:
        """Seed 000 with one unit per task: the duplicate fails alone, SHUTDOWN is stored."""
        factory = sessionmaker(engine)
        outcomes = []
        for name in ["START", "START", "SHUTDOWN"]:
            try:
                with unit_of_work(factory) as session:
                    session.add(table.model(event=name))
                outcomes.append("stored")
            except IntegrityError:
                outcomes.append("duplicate")
        assert outcomes == ["stored", "duplicate", "stored"]
        assert table.stored() == ["SHUTDOWN", "START"]

    def test_seed_000_swallowing_handler_inside_a_unit_is_refused(
        self, engine: Engine, table: Table
    ) -> None:
        """The seed's broken handler (catch, no rollback) cannot commit half a unit."""
        table.insert_committed("START")
        factory = sessionmaker(engine)
        with pytest.raises(SwallowedDatabaseError) as raised, unit_of_work(factory) as session:
            session.add(table.model(event="before"))
            session.flush()
            try:
                session.add(table.model(event="START"))
                session.flush()
            except Exception:
                pass  # the seed's "We do NOT call session.rollback() here"
        assert isinstance(raised.value.__cause__, IntegrityError)
        assert table.stored() == ["START"]
        # The next unit (the worker's next task) works normally.
        with unit_of_work(factory) as session:
            session.add(table.model(event="SHUTDOWN"))
        assert table.stored() == ["SHUTDOWN", "START"]


class TestSwallowedFailures:
    def test_swallowed_core_unique_violation_is_neither_lost_nor_half_committed(
        self, engine: Engine, table: Table
    ) -> None:
        """PostgreSQL would silently lose 'kept', SQLite/MariaDB commit it: the unit refuses."""
        table.insert_committed("taken")
        location = None
        with pytest.raises(SwallowedDatabaseError) as raised, unit_of_work(engine) as session:
            session.add(table.model(event="kept"))
            session.flush()
            try:
                location = next_line()
                session.execute(insert(table.model.__table__).values(event="taken"))
            except IntegrityError:
                pass
        assert raised.value.locations == (location,)
        assert location in str(raised.value)
        assert isinstance(raised.value.__cause__, IntegrityError)
        assert table.stored() == ["taken"]

    def test_swallowed_query_error_is_refused(self, engine: Engine, table: Table) -> None:
        """A failed SELECT caught by the block makes the unit roll back instead of committing."""
        with (
            pytest.raises(SwallowedDatabaseError, match="was caught and not rolled back"),
            unit_of_work(engine) as session,
        ):
            session.add(table.model(event="kept"))
            session.flush()
            with contextlib.suppress(ProgrammingError, OperationalError):
                session.execute(text("SELECT * FROM no_such_table_anywhere"))
        assert table.stored() == []

    def test_savepoint_failure_caught_outside_its_block_is_allowed(
        self, engine: Engine, table: Table
    ) -> None:
        """The documented 'ignore a conflict' pattern commits everything but the conflict."""
        table.insert_committed("dup")
        with unit_of_work(engine) as session:
            session.add(table.model(event="outer1"))
            session.flush()
            try:
                with session.begin_nested():
                    session.add(table.model(event="dup"))
            except IntegrityError:
                pass
            session.add(table.model(event="outer2"))
        assert table.stored() == ["dup", "outer1", "outer2"]

    def test_core_error_in_savepoint_caught_outside_is_allowed(
        self, engine: Engine, table: Table
    ) -> None:
        """A Core INSERT conflict inside begin_nested() is undone with its savepoint."""
        table.insert_committed("dup")
        with unit_of_work(engine) as session:
            session.add(table.model(event="outer"))
            session.flush()
            try:
                with session.begin_nested():
                    session.execute(insert(table.model.__table__).values(event="dup"))
            except IntegrityError:
                pass
        assert table.stored() == ["dup", "outer"]

    def test_error_in_released_savepoint_is_still_refused(
        self, backend: Backend, engine: Engine, table: Table
    ) -> None:
        """Catching inside the savepoint block and releasing it keeps the error: the unit refuses.

        PostgreSQL refuses the RELEASE itself (the savepoint is aborted); that
        error propagates out of the block and the unit rolls back.
        """
        table.insert_committed("dup")
        expected = InternalError if backend.dialect == "postgresql" else SwallowedDatabaseError
        with pytest.raises(expected), unit_of_work(engine) as session:
            session.add(table.model(event="outer"))
            session.flush()
            with (
                session.begin_nested(),
                contextlib.suppress(ProgrammingError, OperationalError),
            ):
                session.execute(text("SELECT * FROM no_such_table_anywhere"))
        assert table.stored() == ["dup"]

    def test_error_that_propagates_is_re_raised_unchanged(
        self, engine: Engine, table: Table
    ) -> None:
        """Only swallowed errors are converted: a propagating IntegrityError stays itself."""
        table.insert_committed("dup")
        with pytest.raises(IntegrityError), unit_of_work(engine) as session:
            session.add(table.model(event="dup"))
        assert table.stored() == ["dup"]


class TestGuardRaise:
    def test_commit_in_block_raises_naming_the_line_and_stores_nothing(
        self, engine: Engine, table: Table
    ) -> None:
        """`session.commit()` inside the unit raises at its own line; the unit rolls back."""
        with pytest.raises(CommitInsideUnitOfWork) as raised, unit_of_work(engine) as session:
            session.add(table.model(event="a"))
            location = next_line()
            session.commit()
        assert raised.value.operation == "commit"
        assert raised.value.location == location
        assert location in str(raised.value)
        assert table.stored() == []

    def test_caught_guard_error_still_prevents_the_commit(
        self, engine: Engine, table: Table
    ) -> None:
        """Swallowing CommitInsideUnitOfWork does not let the unit commit."""
        with (
            pytest.raises(CommitInsideUnitOfWork, match="was caught"),
            unit_of_work(engine) as session,
        ):
            session.add(table.model(event="a"))
            with contextlib.suppress(CommitInsideUnitOfWork):
                session.commit()
            session.add(table.model(event="b"))
        assert table.stored() == []

    def test_rollback_in_block_raises(self, engine: Engine, table: Table) -> None:
        """`session.rollback()` inside the unit is a violation too; nothing is stored."""
        with pytest.raises(CommitInsideUnitOfWork) as raised, unit_of_work(engine) as session:
            session.add(table.model(event="a"))
            session.flush()
            session.rollback()
        assert raised.value.operation == "rollback"
        assert table.stored() == []

    def test_transaction_object_commit_is_caught_too(self, engine: Engine, table: Table) -> None:
        """`session.get_transaction().commit()` goes through the same guard."""
        with pytest.raises(CommitInsideUnitOfWork), unit_of_work(engine) as session:
            session.add(table.model(event="a"))
            session.flush()
            transaction = session.get_transaction()
            assert transaction is not None
            transaction.commit()
        assert table.stored() == []

    def test_commit_inside_begin_block_is_caught(self, engine: Engine, table: Table) -> None:
        """A nested `with session.begin():` block commits on exit: guarded as well."""
        with (
            pytest.raises(CommitInsideUnitOfWork),
            unit_of_work(engine) as session,
            session.begin(),
        ):
            session.add(table.model(event="a"))
        assert table.stored() == []

    def test_savepoints_are_released_and_rolled_back_freely(
        self, engine: Engine, table: Table
    ) -> None:
        """begin_nested() blocks (released or rolled back) are never violations."""
        with unit_of_work(engine) as session:
            with session.begin_nested():
                session.add(table.model(event="released"))
            savepoint = session.begin_nested()
            session.add(table.model(event="undone"))
            session.flush()
            savepoint.rollback()
            with session.begin_nested(), session.begin_nested():
                session.add(table.model(event="deep"))
        assert table.stored() == ["deep", "released"]

    def test_commit_while_a_savepoint_is_open_is_caught(self, engine: Engine, table: Table) -> None:
        """A root commit issued inside an open savepoint is told apart from its release."""
        with pytest.raises(CommitInsideUnitOfWork), unit_of_work(engine) as session:
            session.add(table.model(event="outer"))
            session.begin_nested()
            session.add(table.model(event="inner"))
            session.commit()
        assert table.stored() == []


class TestCloseInsideUnit:
    def test_close_in_block_is_refused_naming_its_line(self, engine: Engine, table: Table) -> None:
        """session.close() silently drops the work before it: the unit refuses the rest."""
        with pytest.raises(CommitInsideUnitOfWork) as raised, unit_of_work(engine) as session:
            session.add(table.model(event="dropped"))
            session.flush()
            location = next_line()
            session.close()
            session.add(table.model(event="after"))
        assert raised.value.operation == "close"
        assert raised.value.location == location
        assert table.stored() == []

    def test_scoped_session_remove_in_block_is_refused(self, engine: Engine, table: Table) -> None:
        """scoped_session.remove() closes the unit's session: the same refusal."""
        registry = scoped_session(sessionmaker(engine))
        with (
            pytest.raises(CommitInsideUnitOfWork, match=r"session\.close\(\)"),
            unit_of_work(registry) as session,
        ):
            session.add(table.model(event="dropped"))
            session.flush()
            registry.remove()
        assert table.stored() == []

    def test_warn_policy_lets_the_rest_commit_and_logs_the_close(
        self, engine: Engine, table: Table, caplog: pytest.LogCaptureFixture
    ) -> None:
        """guard='warn': the work after close() is committed, with a warning."""
        with (
            caplog.at_level(logging.WARNING, logger="sessionsafe"),
            unit_of_work(engine, guard="warn") as session,
        ):
            session.add(table.model(event="dropped"))
            session.flush()
            session.close()
            session.add(table.model(event="after"))
        assert table.stored() == ["after"]
        assert "session.close() was called inside a unit of work" in caplog.text

    def test_rollback_and_failed_flush_are_not_mistaken_for_close(
        self, engine: Engine, table: Table
    ) -> None:
        """A rollback is reported as a rollback; a failed flush as a swallowed error."""
        with pytest.raises(CommitInsideUnitOfWork) as raised, unit_of_work(engine) as session:
            session.add(table.model(event="a"))
            session.flush()
            session.rollback()
        assert raised.value.operation == "rollback"
        table.insert_committed("dup")
        with pytest.raises(SwallowedDatabaseError), unit_of_work(engine) as session:
            session.add(table.model(event="dup"))
            with contextlib.suppress(IntegrityError):
                session.flush()
        assert table.stored() == ["dup"]


class TestGuardWarnAndFlush:
    def test_warn_logs_the_line_and_lets_the_commit_happen(
        self, engine: Engine, table: Table, caplog: pytest.LogCaptureFixture
    ) -> None:
        """guard='warn' keeps today's behaviour (two transactions) and logs where it happened."""
        with (
            caplog.at_level(logging.WARNING, logger="sessionsafe"),
            unit_of_work(engine, guard="warn") as session,
        ):
            session.add(table.model(event="first"))
            location = next_line()
            session.commit()
            assert table.stored() == ["first"]
            session.add(table.model(event="second"))
        assert table.stored() == ["first", "second"]
        assert any(location in record.getMessage() for record in caplog.records)

    def test_warn_reports_each_tolerated_call_once(
        self, engine: Engine, table: Table, caplog: pytest.LogCaptureFixture
    ) -> None:
        """commit(), then rollback(), then close() in one unit: three warnings, in order."""
        with (
            caplog.at_level(logging.WARNING, logger="sessionsafe"),
            unit_of_work(engine, guard="warn") as session,
        ):
            session.add(table.model(event="committed"))
            session.commit()
            session.add(table.model(event="rolled-back"))
            session.flush()
            session.rollback()
            session.add(table.model(event="closed"))
            session.flush()
            session.close()
            session.add(table.model(event="last"))
        operations = [
            message.split("()")[0].removeprefix("session.")
            for message in caplog.messages
            if "inside a unit of work" in message
        ]
        assert operations == ["commit", "rollback", "close"]
        assert table.stored() == ["committed", "last"]

    def test_flush_turns_commit_into_flush_so_an_exception_undoes_everything(
        self, engine: Engine, table: Table
    ) -> None:
        """guard='flush': commit() sends the INSERT (ids exist) inside the unit's transaction."""
        with (
            pytest.raises(ValueError, match="after"),
            unit_of_work(engine, guard="flush") as session,
        ):
            row = table.model(event="a")
            session.add(row)
            session.commit()
            assert row.id is not None
            assert table.stored() == []
            raise ValueError("after the commit")
        assert table.stored() == []

    def test_flush_policy_commits_once_at_the_end(self, engine: Engine, table: Table) -> None:
        """With guard='flush' a block that commits twice is one transaction, stored at the end."""
        log = StatementLog(engine)
        try:
            with unit_of_work(engine, guard="flush") as session:
                session.add(table.model(event="a"))
                session.commit()
                session.add(table.model(event="b"))
                session.commit()
        finally:
            entries = log.take()
            log.stop()
        assert entries.count("COMMIT") == 1
        assert table.stored() == ["a", "b"]

    def test_flush_policy_is_removed_when_the_unit_ends(self, engine: Engine, table: Table) -> None:
        """An adopted session gets its real commit() back after the unit."""
        session = Session(engine)
        unit = UnitOfWork.adopt(session, guard="flush")
        session.add(table.model(event="a"))
        unit.commit()
        unit.close()
        session.add(table.model(event="b"))
        session.commit()
        session.close()
        assert table.stored() == ["a", "b"]


class TestDrivenByHand:
    def test_owner_commits_when_it_decides(self, engine: Engine, table: Table) -> None:
        """commit() then close(): stored once, session closed."""
        unit = UnitOfWork(sessionmaker(engine))
        unit.session.add(table.model(event="a"))
        assert table.stored() == []
        unit.commit()
        assert table.stored() == ["a"]
        unit.close()
        unit.close()
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]

    def test_close_without_commit_rolls_back(self, engine: Engine, table: Table) -> None:
        """close() of an unfinished unit discards its work."""
        unit = UnitOfWork(engine)
        unit.session.add(table.model(event="a"))
        unit.session.flush()
        unit.close()
        assert table.stored() == []

    def test_owner_rollback_is_not_a_violation(self, engine: Engine, table: Table) -> None:
        """The unit's own rollback() is allowed and ends the unit."""
        unit = UnitOfWork(engine)
        unit.session.add(table.model(event="a"))
        unit.session.flush()
        unit.rollback()
        unit.close()
        assert table.stored() == []

    def test_second_commit_is_refused(self, engine: Engine, table: Table) -> None:
        """A unit commits once: a second commit() says so."""
        unit = UnitOfWork(engine)
        unit.commit()
        with pytest.raises(SessionSafeError, match="already committed or rolled back"):
            unit.commit()
        unit.close()

    def test_adopted_session_in_an_outer_transaction_is_guarded_and_left_open(
        self, engine: Engine, table: Table
    ) -> None:
        """The pytest-plugin shape: a session joined to an outer transaction with a savepoint."""
        with engine.connect() as connection:
            outer = connection.begin()
            session = Session(bind=connection, join_transaction_mode="create_savepoint")
            unit = UnitOfWork.adopt(session)
            session.add(table.model(event="business"))
            with pytest.raises(CommitInsideUnitOfWork):
                session.commit()
            unit.close()
            assert session.get_transaction() is None  # rolled back to the savepoint
            second = UnitOfWork.adopt(session)
            session.add(table.model(event="kept-in-outer"))
            second.commit()
            second.close()
            assert connection.execute(select(table.model.event)).scalars().all() == [
                "kept-in-outer"
            ]
            session.close()
            outer.rollback()
        assert table.stored() == []


class TestGuardEdges:
    def test_commit_from_another_thread_is_caught(self, engine: Engine, table: Table) -> None:
        """The guard lives in Session.info, so a commit from a worker thread is caught too."""
        errors: list[BaseException] = []

        def commit_elsewhere(session: Session) -> None:
            try:
                session.commit()
            except CommitInsideUnitOfWork as error:
                errors.append(error)

        with (
            pytest.raises(CommitInsideUnitOfWork, match="was caught"),
            unit_of_work(engine) as session,
        ):
            session.add(table.model(event="a"))
            worker = threading.Thread(target=commit_elsewhere, args=(session,))
            worker.start()
            worker.join(10)
        assert [type(error) for error in errors] == [CommitInsideUnitOfWork]
        assert table.stored() == []

    def test_flush_policy_still_refuses_a_transaction_object_commit(
        self, engine: Engine, table: Table
    ) -> None:
        """Only `session.commit()` can become a flush; committing the transaction object raises."""
        with pytest.raises(CommitInsideUnitOfWork), unit_of_work(engine, guard="flush") as session:
            session.add(table.model(event="a"))
            transaction = session.get_transaction()
            assert transaction is not None
            transaction.commit()
        assert table.stored() == []


class TestOwnerCommitFailure:
    def test_deferred_constraint_failing_at_commit_rolls_back_and_propagates(self) -> None:
        """PostgreSQL checks a DEFERRED unique constraint at COMMIT: the unit re-raises it."""
        POSTGRES.require()
        engine = create_engine(POSTGRES_URL)
        name = f"deferred_{uuid.uuid4().hex[:10]}"
        with engine.begin() as connection:
            connection.execute(
                text(
                    f"CREATE TABLE {name} (email text, CONSTRAINT {name}_uq UNIQUE (email) "
                    f"DEFERRABLE INITIALLY DEFERRED)"
                )
            )
            connection.execute(text(f"INSERT INTO {name} VALUES ('taken')"))
        try:
            with pytest.raises(IntegrityError), unit_of_work(engine) as session:
                session.execute(text(f"INSERT INTO {name} VALUES ('new')"))
                session.execute(text(f"INSERT INTO {name} VALUES ('taken')"))  # accepted for now
            assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
            with engine.connect() as connection:
                stored = connection.scalars(text(f"SELECT email FROM {name} ORDER BY 1")).all()
            assert stored == ["taken"]
        finally:
            with engine.begin() as connection:
                connection.execute(text(f"DROP TABLE {name}"))
            engine.dispose()
