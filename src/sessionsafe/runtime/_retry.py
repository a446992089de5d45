"""Classify database errors as retryable, and re-run whole units of work on them."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError

from sessionsafe.runtime._observe import RuntimeEvent, logger, record
from sessionsafe.runtime._state import GuardPolicy
from sessionsafe.runtime._unit import async_unit_of_work, unit_of_work

T = TypeVar("T")

# SQLSTATE 40001 serialization_failure, 40P01 deadlock_detected (PostgreSQL).
# MariaDB also reports its deadlock 1213 as SQLSTATE 40001.
_RETRY_SQLSTATES = frozenset({"40001", "40P01"})
# 55P03 lock_not_available: PostgreSQL's lock_timeout expired.
_LOCK_TIMEOUT_SQLSTATES = frozenset({"55P03"})
# MySQL/MariaDB 1213 deadlock; 1020 "Record has changed since last read" is
# InnoDB's snapshot-isolation conflict, a serialization failure by another name.
_RETRY_MYSQL_ERRNOS = frozenset({1213, 1020})
# 1205 lock wait timeout (innodb_lock_wait_timeout).
_LOCK_TIMEOUT_MYSQL_ERRNOS = frozenset({1205})

_MAX_CHAIN = 16  # bound on the exception chain walked (cycles are also cut)


def is_retryable(
    exc: BaseException, *, lock_timeouts: bool = False, ambiguous_commit: bool = False
) -> bool:
    """Tell whether re-running the whole unit of work that raised `exc` is safe and useful.

    True for a serialization failure (SQLSTATE 40001) or a deadlock (40P01,
    MySQL/MariaDB 1213 and 1020), read from ``sqlstate``/``pgcode``/the MySQL
    errno of the driver's error and its causes, so psycopg 3, psycopg2,
    asyncpg (which SQLAlchemy reports as a plain ``DBAPIError``), PyMySQL,
    aiomysql and asyncmy are all recognized; and for a connection lost while
    a statement ran, before ``COMMIT`` was sent. `exc` may also be an error
    raised because of one of those (such as `SwallowedDatabaseError`).

    Args:
        exc: the exception the unit of work raised.
        lock_timeouts: also retry lock-wait timeouts (MySQL 1205, PostgreSQL
            55P03). Off by default: a timeout often means a long-held lock,
            and retrying adds load to it.
        ambiguous_commit: also retry a connection lost during ``COMMIT`` (or
            another statement-less step). The commit may have happened, so
            enable this only for idempotent work.
    """
    for error in _chain(exc):
        if not isinstance(error, DBAPIError):
            continue
        if error.connection_invalidated:
            # SQLAlchemy reports COMMIT/ROLLBACK/connect failures without a statement.
            return error.statement is not None or ambiguous_commit
        for driver_error in _chain(error.orig):
            if _is_retryable_code(driver_error, lock_timeouts):
                return True
    return False


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen and len(seen) < _MAX_CHAIN:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__


def _is_retryable_code(driver_error: BaseException, lock_timeouts: bool) -> bool:
    for attribute in ("sqlstate", "pgcode"):
        code = getattr(driver_error, attribute, None)
        if isinstance(code, str) and (
            code in _RETRY_SQLSTATES or (lock_timeouts and code in _LOCK_TIMEOUT_SQLSTATES)
        ):
            return True
    errno = driver_error.args[0] if driver_error.args else None
    if isinstance(errno, int) and not isinstance(errno, bool):
        return errno in _RETRY_MYSQL_ERRNOS or (
            lock_timeouts and errno in _LOCK_TIMEOUT_MYSQL_ERRNOS
        )
    return False


def _delay(attempt: int, backoff: float, max_backoff: float) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random."""
    ceiling: float = min(max_backoff, backoff * 2.0**attempt)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


@dataclass(frozen=True, slots=True)
class _RetryPolicy:
    """When a failed unit is re-run, and after how long: shared by the sync and async loops."""

    retries: int
    lock_timeouts: bool
    ambiguous_commit: bool
    backoff: float
    max_backoff: float

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError(f"retries={self.retries} must be 0 or more (the number of re-runs)")
        if self.backoff < 0 or self.max_backoff < 0:
            raise ValueError(
                f"backoff={self.backoff} and max_backoff={self.max_backoff} "
                "must be 0 or more seconds"
            )

    def delay_before_retry(self, error: Exception, attempt: int) -> float | None:
        """Seconds to wait before re-running after `error`, or None to give up and re-raise."""
        if attempt == self.retries or not is_retryable(
            error, lock_timeouts=self.lock_timeouts, ambiguous_commit=self.ambiguous_commit
        ):
            return None
        delay = _delay(attempt, self.backoff, self.max_backoff)
        logger.warning(
            "unit of work failed with a retryable error (%s: %s); retry %d of %d in %.3f s",
            type(error).__name__,
            str(error).splitlines()[0] if str(error) else "",
            attempt + 1,
            self.retries,
            delay,
        )
        record(RuntimeEvent.RETRY, error)
        return delay


def run_in_transaction(
    factory: Any,
    fn: Callable[..., T],
    /,
    *args: Any,
    retries: int = 3,
    guard: GuardPolicy = "raise",
    lock_timeouts: bool = False,
    ambiguous_commit: bool = False,
    backoff: float = 0.05,
    max_backoff: float = 2.0,
    **kwargs: Any,
) -> T:
    """Run ``fn(session, *args, **kwargs)`` in a unit of work, re-running it on retryable errors.

    Each attempt is a fresh `unit_of_work` (a new session, a new transaction),
    so the whole unit is re-run, never a single statement. Between attempts
    it sleeps an exponentially growing, jittered delay
    (``backoff * 2**attempt``, capped at ``max_backoff``, half of it random).

    ::

        def transfer(session: Session, source: int, target: int, amount: int) -> None:
            ...

        run_in_transaction(SessionLocal, transfer, 1, 2, amount=10)

    Args:
        factory: as for `unit_of_work`.
        fn: the unit's work; it receives the session first. It may run more
            than once, so it must not have effects outside the database that
            cannot be repeated.
        retries: how many times to re-run after the first attempt (0: never).
        guard: the unit's commit-guard policy.
        lock_timeouts, ambiguous_commit: passed to `is_retryable`.
        backoff, max_backoff: the first delay's ceiling and the cap, in seconds.

    Returns:
        What `fn` returned on the attempt that committed.

    Raises:
        The last error when it is not retryable or the retries are used up.
    """
    policy = _RetryPolicy(retries, lock_timeouts, ambiguous_commit, backoff, max_backoff)
    attempt = 0
    while True:
        try:
            with unit_of_work(factory, guard=guard) as session:
                return fn(session, *args, **kwargs)
        except Exception as error:
            delay = policy.delay_before_retry(error, attempt)
            if delay is None:
                raise
            time.sleep(delay)
            attempt += 1


async def async_run_in_transaction(
    factory: Any,
    fn: Callable[..., Awaitable[T]],
    /,
    *args: Any,
    retries: int = 3,
    guard: GuardPolicy = "raise",
    lock_timeouts: bool = False,
    ambiguous_commit: bool = False,
    backoff: float = 0.05,
    max_backoff: float = 2.0,
    expire_on_commit: bool = False,
    **kwargs: Any,
) -> T:
    """`run_in_transaction` for ``AsyncSession``: awaits ``fn(session, *args, **kwargs)``.

    `factory` is as for `async_unit_of_work`; the other arguments are those of
    `run_in_transaction`, plus `expire_on_commit` for the sessions it opens.
    """
    policy = _RetryPolicy(retries, lock_timeouts, ambiguous_commit, backoff, max_backoff)
    attempt = 0
    while True:
        try:
            async with async_unit_of_work(
                factory, guard=guard, expire_on_commit=expire_on_commit
            ) as session:
                return await fn(session, *args, **kwargs)
        except Exception as error:
            delay = policy.delay_before_retry(error, attempt)
            if delay is None:
                raise
            await asyncio.sleep(delay)
            attempt += 1
