"""Home-made `@retry_on_deadlock` that re-runs the function on the same failed session.

The wrapper passes `session` to the wrapped function inside the `try` (session work) and,
on a deadlock, sleeps and calls it again without `session.rollback()`: every retry hits
`PendingRollbackError` (keephq/keep#4439 in reference/landscape.md §3.1; DESIGN.md
SES002, the conditional `raise` does not cover the retry path).
"""
from __future__ import annotations

import functools
import logging
import random
import time
from typing import Any, Callable, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from alerts.models import Alert

log = logging.getLogger(__name__)
T = TypeVar("T")


def retry_on_deadlock(attempts: int = 3) -> Callable[[Callable[..., T]], Callable[..., T]]:
    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(fn)
        def wrapper(session: Session, *args: Any, **kwargs: Any) -> T:
            for attempt in range(1, attempts + 1):
                try:
                    return fn(session, *args, **kwargs)
                except OperationalError as exc:  # error: SES002
                    if "deadlock" not in str(exc).lower() or attempt == attempts:
                        raise
                    log.warning("deadlock in %s, retry %d", fn.__name__, attempt)
                    time.sleep(random.uniform(0.05, 0.2) * attempt)
            raise AssertionError("unreachable")

        return wrapper

    return decorate


@retry_on_deadlock()
def acknowledge(session: Session, alert_ids: list[int], user: str) -> int:
    alerts = session.query(Alert).filter(Alert.id.in_(alert_ids)).with_for_update().all()
    for alert in alerts:
        alert.acknowledged_by = user
    session.flush()
    return len(alerts)
