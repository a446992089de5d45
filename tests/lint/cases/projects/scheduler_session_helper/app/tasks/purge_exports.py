"""Scheduled daily: deletes export files older than a day (closes its session)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import delete, select

from app.db.models import GroupDataExport
from app.db.setup import create_session, session_context


def purge_group_data_exports(max_age: timedelta = timedelta(days=1)) -> int:
    limit = datetime.now(timezone.utc) - max_age
    with session_context() as session:
        query = select(GroupDataExport).where(GroupDataExport.created_at < limit)
        old = session.scalars(query).all()
        for export in old:
            Path(export.path).unlink(missing_ok=True)
        session.execute(delete(GroupDataExport).where(GroupDataExport.created_at < limit))
        session.commit()
        return len(old)


def count_exports() -> int:
    session = create_session()
    try:
        return len(session.scalars(select(GroupDataExport.id)).all())
    finally:
        session.close()
