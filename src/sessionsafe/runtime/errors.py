"""The exceptions `sessionsafe.runtime` raises.

Every exception derives from `SessionSafeError`, so one ``except`` clause
catches them all. Each message says what happened, where, and what to do.
"""

from __future__ import annotations

__all__ = ["CommitInsideUnitOfWork", "SessionSafeError", "SwallowedDatabaseError"]


class SessionSafeError(Exception):
    """Base class of every error raised by `sessionsafe.runtime`."""


class CommitInsideUnitOfWork(SessionSafeError):
    """Code inside a unit of work committed, rolled back or closed its session.

    The unit of work owns the transaction: it commits once when it ends and
    rolls back on an exception. A commit from the block would make part of the
    work durable before the rest is known to succeed; a rollback or a
    ``close()`` would drop the first part and let the rest commit. The unit
    that detected the call rolls back, even when the block catches this
    exception. A ``close()`` is detected when the unit ends.

    Attributes:
        operation: ``"commit"``, ``"rollback"`` or ``"close"``.
        location: ``"path:line"`` of the offending call, or ``None`` when it
            could not be found.
    """

    def __init__(self, operation: str, location: str | None, *, swallowed: bool = False) -> None:
        self.operation = operation
        self.location = location
        where = f" at {location}" if location else ""
        if swallowed:
            message = (
                f"session.{operation}() was called inside a unit of work{where}, and the "
                f"CommitInsideUnitOfWork it raised was caught; the unit of work rolled back "
                f"instead of committing. Remove the {operation}() call: the unit of work "
                f"commits once when it ends"
            )
        else:
            message = (
                f"session.{operation}() was called inside a unit of work{where}; the unit of "
                f"work commits once when it ends and rolls back on an exception. Remove the "
                f"call (use session.flush() to send pending changes now, or "
                f"session.begin_nested() to undo part of the work)"
            )
        super().__init__(message)


class SwallowedDatabaseError(SessionSafeError):
    """A database error raised inside a unit of work was caught and not rolled back.

    After such an error PostgreSQL has aborted the transaction (a later
    ``COMMIT`` silently rolls everything back), while SQLite and MariaDB have
    undone only the failed statement (a later ``COMMIT`` stores part of the
    work). The unit of work therefore rolls back instead of committing and
    raises this error, with the first swallowed error as ``__cause__``.

    Attributes:
        errors: every swallowed database error, oldest first.
        locations: ``"path:line"`` where each was raised (``None`` if unknown).
    """

    def __init__(
        self, errors: tuple[BaseException, ...], locations: tuple[str | None, ...]
    ) -> None:
        self.errors = errors
        self.locations = locations
        first = errors[0]
        where = f" at {locations[0]}" if locations[0] else ""
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        summary = str(first).splitlines()[0] if str(first) else ""
        super().__init__(
            f"a database error raised inside the unit of work{where} was caught and not "
            f"rolled back{more}: {type(first).__name__}: {summary}. The unit of work rolled "
            f"back instead of committing partial or lost work. Let the error propagate, or "
            f"run the statement that may fail inside `with session.begin_nested():` and "
            f"catch the error outside that block"
        )
