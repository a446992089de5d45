"""Logging, counters and observer hooks shared by the runtime modules."""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("sessionsafe")


class RuntimeEvent(enum.Enum):
    """What happened, as reported to observers and counted by `runtime_stats`."""

    COMMIT = "commit"
    """A unit of work committed."""
    ROLLBACK = "rollback"
    """A unit of work rolled back (an exception, a refusal, or its owner asked)."""
    RETRY = "retry"
    """`run_in_transaction` is about to re-run a unit after a retryable error."""
    GUARD_VIOLATION = "guard_violation"
    """Code inside a unit called ``commit()``/``rollback()`` on its session."""
    SWALLOWED_ERROR = "swallowed_error"
    """A unit refused to commit because a database error was swallowed in it."""
    SESSION_REPAIRED = "session_repaired"
    """`ensure_usable` rolled back a session left in a failed state."""


@dataclass(frozen=True, slots=True)
class RuntimeStats:
    """A snapshot of the runtime's counters since start (or `reset_runtime_stats`)."""

    commits: int = 0
    rollbacks: int = 0
    retries: int = 0
    guard_violations: int = 0
    swallowed_errors: int = 0
    sessions_repaired: int = 0


#: An observer receives the event and the error behind it (``None`` for a commit).
Observer = Callable[[RuntimeEvent, "BaseException | None"], None]

_FIELD_OF_EVENT = {
    RuntimeEvent.COMMIT: "commits",
    RuntimeEvent.ROLLBACK: "rollbacks",
    RuntimeEvent.RETRY: "retries",
    RuntimeEvent.GUARD_VIOLATION: "guard_violations",
    RuntimeEvent.SWALLOWED_ERROR: "swallowed_errors",
    RuntimeEvent.SESSION_REPAIRED: "sessions_repaired",
}

_lock = threading.Lock()
_counts = dict.fromkeys(_FIELD_OF_EVENT.values(), 0)
_observers: list[Observer] = []


def record(event: RuntimeEvent, error: BaseException | None = None) -> None:
    """Count `event` and tell every observer; an observer's failure is logged, never raised."""
    field = _FIELD_OF_EVENT[event]
    with _lock:
        _counts[field] += 1
    if not _observers:
        return
    for observer in tuple(_observers):
        try:
            observer(event, error)
        except Exception:
            logger.exception("sessionsafe observer %r failed on %s", observer, event.value)


def runtime_stats() -> RuntimeStats:
    """Return the counters (commits, rollbacks, retries, ...) for export to a metrics system."""
    with _lock:
        return RuntimeStats(**_counts)


def reset_runtime_stats() -> None:
    """Set every counter back to zero (for tests, or exporters that report deltas)."""
    with _lock:
        for field in _counts:
            _counts[field] = 0


def add_observer(observer: Observer) -> Callable[[], None]:
    """Call `observer(event, error)` for every `RuntimeEvent`; return a function removing it.

    Observers run synchronously in the thread that produced the event, so keep
    them fast (increment a Prometheus counter, add a span event). An exception
    raised by an observer is logged and does not affect the unit of work.
    """
    with _lock:
        _observers.append(observer)

    def remove() -> None:
        with _lock:
            if observer in _observers:
                _observers.remove(observer)

    return remove
