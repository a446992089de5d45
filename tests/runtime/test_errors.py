"""The runtime's errors travel to other processes (Celery, multiprocessing) intact."""

from __future__ import annotations

import contextlib
import pickle

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from sessionsafe.runtime import (
    CommitInsideUnitOfWork,
    SessionSafeError,
    SwallowedDatabaseError,
    unit_of_work,
)


def raised_by_a_unit(error_type: type[SessionSafeError], guard_commit: bool) -> SessionSafeError:
    """A real error from a real unit of work on in-memory SQLite."""
    engine = create_engine("sqlite://")
    with pytest.raises(error_type) as raised, unit_of_work(engine) as session:
        if guard_commit:
            session.commit()
        else:
            with contextlib.suppress(OperationalError):
                session.execute(text("SELECT * FROM no_such_table"))
    engine.dispose()
    return raised.value


@pytest.mark.parametrize(
    ("error_type", "guard_commit"),
    [(CommitInsideUnitOfWork, True), (SwallowedDatabaseError, False)],
    ids=["CommitInsideUnitOfWork", "SwallowedDatabaseError"],
)
def test_error_survives_pickling_with_type_message_and_location(
    error_type: type[SessionSafeError], guard_commit: bool
) -> None:
    """A pickle round trip keeps the class, the message and where it happened."""
    error = raised_by_a_unit(error_type, guard_commit)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is error_type
    assert str(copy) == str(error)
    if isinstance(error, CommitInsideUnitOfWork):
        assert (copy.operation, copy.location) == (error.operation, error.location)
    else:
        assert copy.locations == error.locations
        assert copy.errors == ()


@pytest.mark.parametrize(
    ("error_type", "guard_commit"),
    [(CommitInsideUnitOfWork, True), (SwallowedDatabaseError, False)],
    ids=["CommitInsideUnitOfWork", "SwallowedDatabaseError"],
)
def test_error_is_rebuilt_from_its_args(
    error_type: type[SessionSafeError], guard_commit: bool
) -> None:
    """`type(error)(*error.args)` works, as Celery's JSON result backend requires."""
    error = raised_by_a_unit(error_type, guard_commit)
    assert error.args == (str(error),)
    rebuilt = error_type(*error.args)
    assert str(rebuilt) == str(error)
