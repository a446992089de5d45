"""Service swallows an `IntegrityError` from `flush()` on the caller's session.

The session is a parameter, so it outlives the function: the route that called
`register_device` goes on to use it and commit (DESIGN.md SES002: the session "outlives
the function"). No rollback, no re-raise.
"""
from __future__ import annotations

import logging
from typing import Optional

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from push.models import Device

log = logging.getLogger(__name__)


def register_device(session: Session, user_id: int, token: str, platform: str) -> Optional[Device]:
    device = Device(user_id=user_id, token=token, platform=platform)
    session.add(device)
    try:
        session.flush()
    except IntegrityError:  # error: SES002
        log.info("device token already registered for user %s", user_id)
        return None
    return device
