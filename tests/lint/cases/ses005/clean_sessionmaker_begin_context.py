"""`with SessionLocal.begin() as session:` commits and closes on exit.

`sessionmaker.begin()` returns a context manager that creates, commits and closes the
session (DESIGN.md "What counts as a session": `<factory>.begin()`).
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import update

from sessions_store.db import SessionLocal
from sessions_store.models import WebSession


def expire_web_sessions(user_id: int) -> int:
    with SessionLocal.begin() as session:
        result = session.execute(
            update(WebSession)
            .where(WebSession.user_id == user_id, WebSession.expires_at > datetime.now(timezone.utc))
            .values(expires_at=datetime.now(timezone.utc))
        )
    return result.rowcount
