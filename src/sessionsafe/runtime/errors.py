"""The exceptions `sessionsafe.runtime` raises.

Every exception derives from `SessionSafeError`, so one ``except`` clause
catches them all. Each message says what happened, where, and what to do.

They survive the trips other processes make them take: ``args`` is just the
message, so ``type(error)(*error.args)`` rebuilds them (Celery's JSON result
backend does that), and pickling (Celery workers, multiprocessing,
pytest-xdist) keeps the type, the message and the plain attributes. The
database errors behind a `SwallowedDatabaseError` are not pickled: a driver's
exception often cannot be.
"""

from __future__ import annotations

from typing import Any

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

    def __init__(
        self, message: str, *, operation: str = "commit", location: str | None = None
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.location = location

    @classmethod
    def at(
        cls, operation: str, location: str | None, *, swallowed: bool = False
    ) -> CommitInsideUnitOfWork:
        """Build the error for `operation` called at `location`, with the full explanation."""
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
        return cls(message, operation=operation, location=location)


class SwallowedDatabaseError(SessionSafeError):
    """A database error raised inside a unit of work was caught and not rolled back.

    After such an error PostgreSQL has aborted the transaction (a later
    ``COMMIT`` silently rolls everything back), while SQLite and MariaDB have
    undone only the failed statement (a later ``COMMIT`` stores part of the
    work). The unit of work therefore rolls back instead of committing and
    raises this error, with the first swallowed error as ``__cause__``.

    Attributes:
        errors: every swallowed database error, oldest first (empty after
            unpickling).
        locations: ``"path:line"`` where each was raised (``None`` if unknown).
    """

    def __init__(
        self,
        message: str,
        *,
        errors: tuple[BaseException, ...] = (),
        locations: tuple[str | None, ...] = (),
    ) -> None:
        super().__init__(message)
        self.errors = errors
        self.locations = locations

    @classmethod
    def of(
        cls, errors: tuple[BaseException, ...], locations: tuple[str | None, ...]
    ) -> SwallowedDatabaseError:
        """Build the error for `errors` (at least one), with the full explanation."""
        first = errors[0]
        where = f" at {locations[0]}" if locations and locations[0] else ""
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        summary = str(first).splitlines()[0] if str(first) else ""
        message = (
            f"a database error raised inside the unit of work{where} was caught and not "
            f"rolled back{more}: {type(first).__name__}: {summary}. The unit of work rolled "
            f"back instead of committing partial or lost work. Let the error propagate, or "
            f"run the statement that may fail inside `with session.begin_nested():` and "
            f"catch the error outside that block"
        )
        return cls(message, errors=errors, locations=locations)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self.args, {"errors": (), "locations": self.locations})
