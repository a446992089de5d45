"""The session lives in a `with` block; the handler logs and the function returns.

The session is created here, is not used after the failure and does not outlive the
function (the `with` closes it), so nothing can run on the failed session (DESIGN.md
SES002: only a finding "while the session is used again afterwards or outlives the
function").
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from audit.db import SessionLocal
from audit.models import LoginEvent

log = logging.getLogger(__name__)


def record_login(user_id: int, ip: str, user_agent: str) -> bool:
    with SessionLocal() as session:
        try:
            session.add(LoginEvent(user_id=user_id, ip=ip, user_agent=user_agent[:255]))
            session.commit()
        except SQLAlchemyError:
            log.warning("login event for user %s not recorded", user_id, exc_info=True)
            return False
    return True
