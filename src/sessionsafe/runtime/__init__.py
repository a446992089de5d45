"""Run-time safety for SQLAlchemy sessions: units of work, commit guard, recovery, retries.

Needs SQLAlchemy >= 2.0 (``pip install sessionsafe[runtime]``) and nothing else.

- `unit_of_work` / `async_unit_of_work`: open a session, commit once at the
  end, roll back on any exception, always close. Inside, ``commit()`` and
  ``rollback()`` on the session are guarded (`CommitInsideUnitOfWork`), and a
  database error caught without a rollback makes the unit refuse to commit
  (`SwallowedDatabaseError`).
- `UnitOfWork` / `AsyncUnitOfWork`: the same unit, driven by hand by lifecycle
  code that decides when to commit (a middleware committing before the
  response is sent, a request teardown hook): ``.session``, ``.commit()``,
  ``.rollback()``, ``.close()``. ``UnitOfWork.adopt(session)`` manages a
  session created elsewhere (a test session joined to an outer transaction)
  without closing it.
- `run_in_transaction` / `async_run_in_transaction`: re-run a whole unit on
  serialization failures, deadlocks and connections lost before ``COMMIT``
  (`is_retryable`), bounded, with jittered exponential backoff.
- `ensure_usable` / `async_ensure_usable`: repair a long-lived (worker)
  session left in a failed state, with a warning naming the original error.
- Observability: the ``sessionsafe`` logger, `runtime_stats` counters and
  `add_observer` hooks (`RuntimeEvent`).

Importing this module registers class-level listeners on ``Session`` and
``Engine`` once; outside a unit of work they only remember database errors
until the transaction ends (for `ensure_usable`).
"""

from __future__ import annotations

from sessionsafe.runtime import _events
from sessionsafe.runtime._health import async_ensure_usable, ensure_usable
from sessionsafe.runtime._observe import (
    Observer,
    RuntimeEvent,
    RuntimeStats,
    add_observer,
    reset_runtime_stats,
    runtime_stats,
)
from sessionsafe.runtime._retry import async_run_in_transaction, is_retryable, run_in_transaction
from sessionsafe.runtime._state import GuardPolicy
from sessionsafe.runtime._unit import AsyncUnitOfWork, UnitOfWork, async_unit_of_work, unit_of_work
from sessionsafe.runtime.errors import (
    CommitInsideUnitOfWork,
    SessionSafeError,
    SwallowedDatabaseError,
)

__all__ = [
    "AsyncUnitOfWork",
    "CommitInsideUnitOfWork",
    "GuardPolicy",
    "Observer",
    "RuntimeEvent",
    "RuntimeStats",
    "SessionSafeError",
    "SwallowedDatabaseError",
    "UnitOfWork",
    "add_observer",
    "async_ensure_usable",
    "async_run_in_transaction",
    "async_unit_of_work",
    "ensure_usable",
    "is_retryable",
    "reset_runtime_stats",
    "run_in_transaction",
    "runtime_stats",
    "unit_of_work",
]

_events.install()
