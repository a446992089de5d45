"""Nightly report jobs. `SessionLocal` lives in `app.db` (not part of this tree)."""
from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy.exc import SQLAlchemyError

from app.db import ScopedSession, SessionLocal
from app.models import ReportRun
from reports.queries import refresh_materialized, revenue_by_day

log = logging.getLogger(__name__)


def nightly_revenue(today: date) -> int:
    with SessionLocal() as session:
        refresh_materialized(session)
        rows = revenue_by_day(session, today - timedelta(days=30), today)
        session.add(ReportRun(name="revenue-30d", row_count=len(rows)))
        session.commit()
    return len(rows)


def mark_run(name: str, ok: bool) -> None:
    ScopedSession.add(ReportRun(name=name, row_count=0, ok=ok))
    ScopedSession.commit()  # error: SES001


def safe_mark_run(name: str) -> None:
    try:
        ScopedSession.add(ReportRun(name=name, row_count=0, ok=False))
        ScopedSession.flush()
    except SQLAlchemyError:
        ScopedSession.rollback()
        log.exception("could not record failed run %s", name)
