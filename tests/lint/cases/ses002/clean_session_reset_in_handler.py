"""Poller that calls `session.reset()` after a failed cycle.

`reset()` ends the failed transaction like `close()` (reference/semantics.md §1, case C);
issue 2 lists rollback/close/reset of that session as clearing the handler.
"""
from __future__ import annotations

import logging
import time

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from jobs.models import ScheduledJob

log = logging.getLogger(__name__)


def poll(session: Session, cycles: int, interval: float = 2.0) -> None:
    for _ in range(cycles):
        try:
            due = session.scalars(select(ScheduledJob).where(ScheduledJob.due.is_(True)).limit(50)).all()
            for job in due:
                job.claim()
            session.flush()
        except SQLAlchemyError:
            log.exception("poll cycle failed")
            session.reset()
        time.sleep(interval)
