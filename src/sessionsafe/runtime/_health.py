"""Detect and repair a long-lived session left in a failed state (worker safety)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from sessionsafe.runtime._observe import RuntimeEvent, logger, record
from sessionsafe.runtime._state import state_of


def ensure_usable(session: Session) -> bool:
    """Roll back `session` if it is in a failed state; return whether it had to.

    A session is failed when a flush or commit failed (every later call raises
    ``PendingRollbackError``), when its connection was invalidated (killed,
    network lost), or when a database error raised in its current
    transaction was swallowed (PostgreSQL then silently rolls back the next
    ``COMMIT``; SQLite and MariaDB commit partial work). The repair logs a
    warning naming the original error on the ``sessionsafe`` logger.

    A healthy session costs a few attribute reads and no SQL, so call it
    before each task of a worker that reuses a session::

        @app.task
        def record(event: str) -> None:
            ensure_usable(worker_session)
            ...

    Returns:
        ``True`` if the session was rolled back, ``False`` if it was healthy.
    """
    failure = _failure(session)
    if failure is None:
        return False
    session.rollback()
    _report(failure)
    return True


async def async_ensure_usable(session: AsyncSession) -> bool:
    """`ensure_usable` for an ``AsyncSession`` (the repair awaits ``rollback()``)."""
    failure = _failure(session.sync_session)
    if failure is None:
        return False
    await session.rollback()
    _report(failure)
    return True


def _failure(session: Session) -> str | None:
    """Describe why the session is unusable, or return ``None`` when it is healthy."""
    transaction = session.get_transaction()
    if not session.is_active:
        # SQLAlchemy keeps the flush/commit error that deactivated the transaction here.
        original = getattr(transaction, "_rollback_exception", None)
        return _describe("a failed flush or commit", original)
    if transaction is None:
        return None
    state = state_of(session)
    if state is not None and state.errors and state.live_errors(session):
        return _describe(
            "a database error that was caught without a rollback", state.errors[0].error
        )
    # Only connections the transaction already holds: checking one out would cost I/O.
    for held in transaction._connections.values():
        if held[0].invalidated:
            return "an invalidated connection (the database connection was lost)"
    return None


def _describe(what: str, error: BaseException | None) -> str:
    if error is None:
        return what
    first_line = str(error).splitlines()[0] if str(error) else ""
    return f"{what}: {type(error).__name__}: {first_line}"


def _report(failure: str) -> None:
    logger.warning("session was unusable after %s; rolled it back", failure)
    record(RuntimeEvent.SESSION_REPAIRED)
