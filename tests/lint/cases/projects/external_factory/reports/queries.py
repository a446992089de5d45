"""Report queries; they receive the session and only read or flush."""
from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from app.models import Order, ReportSnapshot

log = logging.getLogger(__name__)


def revenue_by_day(session: Session, start: date, end: date) -> list[tuple[date, int]]:
    stmt = (
        select(func.date(Order.created_at), func.sum(Order.total_cents))
        .where(Order.created_at >= start, Order.created_at < end)
        .group_by(func.date(Order.created_at))
    )
    return [(day, int(total)) for day, total in session.execute(stmt)]


def save_snapshot(session: Session, name: str, rows: list[tuple[date, int]]) -> ReportSnapshot:
    snapshot = ReportSnapshot(name=name, rows=[[d.isoformat(), v] for d, v in rows])
    session.add(snapshot)
    session.commit()  # error: SES001
    return snapshot


def refresh_materialized(session: Session) -> bool:
    try:
        session.execute(func.refresh_report_views())
    except ProgrammingError:  # error: SES002
        log.info("report views not installed; using live queries")
        return False
    return True
