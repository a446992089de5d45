"""Deadlock retry loop that retries `commit()` on the failed session.

After an `OperationalError` during commit the session needs `rollback()`; the next
iteration's commit raises `PendingRollbackError` instead of retrying (DESIGN.md SES002:
used again "in the next loop iteration"). The loop leaves after a successful commit, so it
is not SES004; the function creates the session, so it is not SES001.
"""
from __future__ import annotations

import logging
import random
import time

from sqlalchemy.exc import OperationalError

from metrics.db import SessionLocal
from metrics.models import CounterSample

log = logging.getLogger(__name__)


def store_samples(samples: list[tuple[str, float]], attempts: int = 3) -> bool:
    with SessionLocal() as session:
        session.add_all(CounterSample(name=name, value=value) for name, value in samples)
        for attempt in range(1, attempts + 1):
            try:
                session.commit()
                return True
            except OperationalError as exc:  # error: SES002
                log.warning("commit attempt %d/%d failed: %s", attempt, attempts, exc)
                time.sleep(0.05 * attempt + random.random() / 20)
        return False
