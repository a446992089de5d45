"""Maintenance function building `Session(engine)` directly, with an early return.

Neither the early return nor the normal path closes the session (DESIGN.md SES005).
"""
from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

engine = create_engine("postgresql+psycopg://ops@localhost/app")


def vacuum_candidates(min_dead_tuples: int = 10_000) -> list[str]:
    session = Session(engine)  # error: SES005
    rows = session.execute(
        text("SELECT relname FROM pg_stat_user_tables WHERE n_dead_tup > :n ORDER BY n_dead_tup DESC"),
        {"n": min_dead_tuples},
    ).all()
    if not rows:
        return []
    return [name for (name,) in rows]
