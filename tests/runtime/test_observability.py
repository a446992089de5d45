"""Counters, observers and the import boundary of `sessionsafe.runtime`."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from sqlalchemy import Engine, create_engine

from sessionsafe.runtime import (
    CommitInsideUnitOfWork,
    RuntimeEvent,
    RuntimeStats,
    add_observer,
    reset_runtime_stats,
    runtime_stats,
    unit_of_work,
)


@pytest.fixture
def memory_engine() -> Engine:
    return create_engine("sqlite://")


def test_counters_count_commits_rollbacks_and_violations(memory_engine: Engine) -> None:
    """One committed unit, one failed unit, one guard violation are counted as such."""
    reset_runtime_stats()
    with unit_of_work(memory_engine):
        pass
    with pytest.raises(CommitInsideUnitOfWork), unit_of_work(memory_engine) as session:
        session.commit()
    assert runtime_stats() == RuntimeStats(commits=1, rollbacks=1, guard_violations=1)


def test_observer_sees_events_until_removed(memory_engine: Engine) -> None:
    """An observer receives each event with its error; after removal it receives nothing."""
    seen: list[tuple[RuntimeEvent, str | None]] = []
    remove = add_observer(
        lambda kind, error: seen.append((kind, type(error).__name__ if error else None))
    )
    with pytest.raises(CommitInsideUnitOfWork), unit_of_work(memory_engine) as session:
        session.commit()
    remove()
    with unit_of_work(memory_engine):
        pass
    assert seen == [
        (RuntimeEvent.GUARD_VIOLATION, "CommitInsideUnitOfWork"),
        (RuntimeEvent.ROLLBACK, "CommitInsideUnitOfWork"),
    ]


def test_failing_observer_is_logged_and_does_not_break_the_unit(
    memory_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """An exception in an observer never reaches the unit of work."""

    def broken(kind: RuntimeEvent, error: BaseException | None) -> None:
        raise RuntimeError("exporter down")

    remove = add_observer(broken)
    try:
        with caplog.at_level(logging.ERROR, logger="sessionsafe"), unit_of_work(memory_engine):
            pass
    finally:
        remove()
    assert "observer" in caplog.text
    assert "exporter down" in caplog.text


def test_importing_the_runtime_loads_no_framework() -> None:
    """`import sessionsafe.runtime` pulls in SQLAlchemy (and its greenlet) and nothing else."""
    probe = (
        "import sys; import sessionsafe.runtime; "
        "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    third_party = {
        name for name in loaded if name not in sys.stdlib_module_names and not name.startswith("_")
    }
    # cython_runtime is registered by SQLAlchemy's compiled extensions.
    allowed = {"sessionsafe", "sqlalchemy", "greenlet", "typing_extensions", "cython_runtime"}
    assert third_party <= allowed
