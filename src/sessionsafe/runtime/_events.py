"""The SQLAlchemy event listeners behind the commit guard and the error tracking.

They are registered once, on the `Session` and `Engine` classes, when
`sessionsafe.runtime` is imported: a per-instance ``event.listen`` costs
16-20 us per transaction, a class-level listener well under a microsecond
(reference/semantics.md section 6). Outside a unit of work they only remember
database errors until the transaction ends.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction

from sessionsafe.runtime._frames import caller_location, releasing_savepoint
from sessionsafe.runtime._observe import RuntimeEvent, logger, record
from sessionsafe.runtime._state import RaisedError, SessionState, ensure_state, state_of
from sessionsafe.runtime.errors import CommitInsideUnitOfWork

# Key in ``Connection.info`` (the pooled DBAPI connection's dict) naming the
# session whose transaction uses the connection. The Connection object itself
# is stored too: ``info`` outlives the checkout, the Connection does not.
_CONNECTION_KEY = "sessionsafe.session_state"


def _after_begin(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    # A weak reference, not the session's state: most sessions never see an
    # error, so their state is only created when one happens.
    connection.info[_CONNECTION_KEY] = (weakref.ref(session), connection)
    state = state_of(session)
    if state is not None and state.user_committing:
        state.user_committing = False  # a new transaction: the tolerated commit is over


def _handle_error(context: ExceptionContext) -> None:
    error = context.sqlalchemy_exception
    connection = context.connection
    if connection is None or context.is_pre_ping or not isinstance(error, DBAPIError):
        return
    try:
        owner = connection.info.get(_CONNECTION_KEY)
    except Exception:  # an invalidated connection has no info any more
        return
    if owner is None or owner[1] is not connection:
        return
    session: Session | None = owner[0]()
    if session is None:
        return
    state = ensure_state(session)
    raised = RaisedError(
        error=error,
        transaction=session.get_transaction(),
        savepoint=session.get_nested_transaction(),
        location=caller_location(),
    )
    state.live_errors(session).append(raised)


def _before_commit(session: Session) -> None:
    state = state_of(session)
    if state is None or state.policy is None or state.owner_finishing:
        return
    if session.in_nested_transaction() and releasing_savepoint():
        return
    _violation(state, "commit")


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # A root transaction of a unit that ends without its owner: a commit the
    # guard let through, a rollback (after_soft_rollback follows and takes
    # over), or session.close(), which discards the work without any other event.
    if transaction.parent is not None:
        return
    state = state_of(session)
    if state is None or state.policy is None or state.owner_finishing or state.user_committing:
        return
    state.closed_at = caller_location() or "an unknown location"


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    state = state_of(session)
    if state is None:
        return
    if previous.nested:
        if state.errors:
            state.forget_errors_inside(previous)
        return
    if previous.parent is not None:  # the internal sub-transaction of a failed flush
        return
    state.errors = []
    state.closed_at = None  # the root transaction ended by a rollback, not a close
    if state.policy is None or state.owner_finishing:
        return
    if state.user_committing:  # SQLAlchemy rolling back a failed commit it let happen
        state.user_committing = False
        return
    _violation(state, "rollback")


def _violation(state: SessionState, operation: str) -> None:
    location = caller_location()
    error = CommitInsideUnitOfWork.at(operation, location)
    record(RuntimeEvent.GUARD_VIOLATION, error)
    if state.policy == "warn":
        logger.warning("%s (guard='warn': allowed)", error)
        state.user_committing = operation == "commit"
        return
    # The error may be caught by the block; the unit still refuses to commit.
    state.violation = error
    raise error


#: Every listener, with its target class and event name.
LISTENERS: tuple[tuple[type[Any], str, Callable[..., Any]], ...] = (
    (Session, "after_begin", _after_begin),
    (Session, "before_commit", _before_commit),
    (Session, "after_soft_rollback", _after_soft_rollback),
    (Session, "after_transaction_end", _after_transaction_end),
    (Engine, "handle_error", _handle_error),
)


def install() -> None:
    """Register the listeners once per process (repeated calls do nothing)."""
    if event.contains(Session, "before_commit", _before_commit):
        return
    for target, name, listener in LISTENERS:
        event.listen(target, name, listener)
