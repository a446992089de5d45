"""Per-tenant sessions cached in a registry dict on `self` and closed by `close_all()`.

Issue 3, SES005: a session stored on `self`/a registry for an owner to close is not a
finding where it is created.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from saas.db import SessionLocal, tenant_engine


class TenantSessions:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def for_tenant(self, slug: str, database_url: str) -> Session:
        if slug not in self._sessions:
            self._sessions[slug] = SessionLocal(bind=tenant_engine(database_url))
        return self._sessions[slug]

    def close_all(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()
