"""Local cache using the standard library's `sqlite3`, next to SQLAlchemy code.

`conn.commit()` is a `sqlite3.Connection` commit; the SQLAlchemy session parameter is
only read. DESIGN.md: sqlite3 `.commit()` is never a finding.
"""
from __future__ import annotations

import sqlite3
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.models import Region


def refresh_region_cache(conn: sqlite3.Connection, session: Session) -> int:
    regions = session.scalars(select(Region).where(Region.enabled.is_(True))).all()
    conn.execute("CREATE TABLE IF NOT EXISTS region_cache (code TEXT PRIMARY KEY, name TEXT, fetched REAL)")
    conn.executemany(
        "INSERT OR REPLACE INTO region_cache (code, name, fetched) VALUES (?, ?, ?)",
        [(region.code, region.name, time.time()) for region in regions],
    )
    conn.commit()
    return len(regions)


def cached_region_name(conn: sqlite3.Connection, code: str) -> str | None:
    row = conn.execute("SELECT name FROM region_cache WHERE code = ?", (code,)).fetchone()
    return row[0] if row else None
