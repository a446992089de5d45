"""`session.stream(q)` on an `AsyncSession` iterated without `await`.

`AsyncSession.stream` is a coroutine method returning an `AsyncResult`; `async for` over
the un-awaited coroutine raises `TypeError` (issue 3, SES006 list includes `stream`).
"""
from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.models import Event


async def replay(session: AsyncSession, since_id: int) -> AsyncIterator[Event]:
    result = session.stream(select(Event).where(Event.id > since_id).order_by(Event.id))  # error: SES006
    async for (event,) in result:
        yield event
