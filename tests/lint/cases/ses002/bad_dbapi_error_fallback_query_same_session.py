"""Fallback query on the same session after a failed query (PostgreSQL aborted txn).

When the materialized view is missing, `except DBAPIError` falls back to the live query
on the same session; on PostgreSQL the transaction is aborted, so the fallback raises
`InFailedSqlTransaction` (reference/semantics.md §2; DESIGN.md SES002: used again).
"""
from __future__ import annotations

import logging

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from stats.models import PageView

log = logging.getLogger(__name__)


def top_pages(session: Session, limit: int = 10) -> list[tuple[str, int]]:
    try:
        rows = session.execute(
            text("SELECT path, views FROM mv_top_pages ORDER BY views DESC LIMIT :limit"), {"limit": limit}
        ).all()
    except DBAPIError:  # error: SES002
        log.info("mv_top_pages unavailable, computing live")
        rows = session.execute(
            select(PageView.path, func.count().label("views"))
            .group_by(PageView.path)
            .order_by(func.count().desc())
            .limit(limit)
        ).all()
    return [(path, views) for path, views in rows]
