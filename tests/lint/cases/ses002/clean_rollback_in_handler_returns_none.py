"""Duplicate signup: `session.rollback()` in the handler before returning.

The handler rolls back the session whose flush failed, so the caller can keep using it
(DESIGN.md SES002: a handler that rolls back that session is fine).
"""
from __future__ import annotations

import logging
from typing import Optional

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newsletter.models import Subscriber

log = logging.getLogger(__name__)


def subscribe(session: Session, email: str, source: str) -> Optional[Subscriber]:
    subscriber = Subscriber(email=email.strip().lower(), source=source)
    session.add(subscriber)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        log.info("%s is already subscribed", email)
        return None
    return subscriber
