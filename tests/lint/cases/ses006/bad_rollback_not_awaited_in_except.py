"""`session.rollback()` without `await` in an error handler that re-raises.

The rollback coroutine never runs; the handler only looks correct (DESIGN.md SES006 on
the call). It re-raises, so there is no SES002.
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from events.models import Rsvp

log = logging.getLogger(__name__)


class AlreadyAnswered(Exception):
    pass


async def rsvp(session: AsyncSession, event_id: int, user_id: int) -> Rsvp:
    answer = Rsvp(event_id=event_id, user_id=user_id)
    session.add(answer)
    try:
        await session.flush()
    except IntegrityError as exc:
        session.rollback()  # error: SES006
        log.info("user %s already answered event %s", user_id, event_id)
        raise AlreadyAnswered(event_id) from exc
    return answer
