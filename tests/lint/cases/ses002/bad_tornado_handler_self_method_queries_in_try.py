"""Tornado handler's `prepare` swallows a database error raised inside its own method.

Modelled on a real fix in a Tornado hub: `prepare()` calls `self.get_current_user()`,
a method of the same class that queries `self.db`; `except Exception`
logs and carries on as an anonymous user. When the query fails (a dropped connection,
a statement timeout) `self.db` is left needing a rollback and
every later query of the request, and of the next requests sharing the application's
session, raises `PendingRollbackError` (DESIGN.md SES002: the session outlives the method).
Calling a method of `self` that does session work on `self.db` is session work in the
`try`; the real fix added an `except SQLAlchemyError` branch that rolls back.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session
from tornado.web import RequestHandler

from hub.orm import APIToken, User

log = logging.getLogger(__name__)


class BaseHandler(RequestHandler):
    def initialize(self, db: Session) -> None:
        self.db = db
        self.current = None

    async def get_current_user(self):
        token = self.request.headers.get("Authorization", "").removeprefix("token ")
        row = self.db.execute(select(APIToken).where(APIToken.token == token)).scalar_one_or_none()
        if row is None:
            return None
        row.last_activity = datetime.now(timezone.utc)
        return row.user

    async def prepare(self) -> None:
        try:
            self.current = await self.get_current_user()
        except Exception:  # error: SES002
            log.exception("Failed to get current user")
            self.current = None

    def get_user_by_name(self, name: str) -> User | None:
        return self.db.execute(select(User).where(User.name == name)).scalar_one_or_none()
