"""Job runner that receives a *factory* and creates its own session from it.

`session_factory: sessionmaker[Session]` is not a session; `with session_factory() as
session:` creates one inside the function, which therefore owns it and may commit
(DESIGN.md "What owns a session": a function that creates it).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from auth.models import LoginAttempt, PasswordResetToken

log = logging.getLogger(__name__)


def purge_expired(session_factory: sessionmaker[Session], keep_days: int = 30) -> dict[str, int]:
    cutoff = datetime.now(timezone.utc) - timedelta(days=keep_days)
    with session_factory() as session:
        tokens = session.execute(
            delete(PasswordResetToken).where(PasswordResetToken.expires_at < cutoff)
        ).rowcount
        attempts = session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff)).rowcount
        session.commit()
    log.info("purged %d tokens and %d login attempts", tokens, attempts)
    return {"tokens": tokens, "attempts": attempts}
