"""`with engine.begin() as conn:` for a Core maintenance statement, plus an ORM session.

`engine.begin()` yields a `Connection`, not a session, and nothing is committed inside
either block explicitly; the ORM session is committed in its own `with` block, not inside
a `begin()` block.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from analytics.db import engine
from analytics.models import RefreshLog


def refresh_rollups() -> None:
    with engine.begin() as conn:
        conn.execute(text("REFRESH MATERIALIZED VIEW CONCURRENTLY daily_rollup"))
    with Session(engine) as session:
        session.add(RefreshLog(view="daily_rollup"))
        session.commit()
