"""Scheduler loop that disables a broken schedule in its `except` handler and commits that.

The loop's normal path does not commit; only a failing item gets its failure status
recorded (SES004 is about the loop's work split into one transaction per iteration).
Shape taken from a real project's scheduler.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from dash.db import SessionLocal
from dash.models import Query
from dash.scheduling import is_due

log = logging.getLogger(__name__)


def outdated_queries(now: datetime) -> dict[str, Query]:
    outdated: dict[str, Query] = {}
    with SessionLocal() as session:
        for query in session.scalars(select(Query).where(Query.schedule.is_not(None))):
            try:
                if is_due(query.schedule, query.retrieved_at, now):
                    outdated[query.query_hash] = query
            except ValueError as error:
                query.schedule_disabled = True
                session.commit()
                log.warning("disabled the schedule of query %d: %s", query.id, error)
    return outdated
