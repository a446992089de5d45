"""A synchronous session opened inside an `async def` background job.

`with SessionLocal() as session:` inside a coroutine runs blocking I/O on the event loop
(DESIGN.md SES006: a sync `Session` used inside `async def`, anchored on the line where it
enters the coroutine).
"""
from __future__ import annotations

import asyncio

from sqlalchemy import select

from notify.db import SessionLocal
from notify.models import Subscription
from notify.push import send_push


async def notify_subscribers(topic: str, text: str) -> int:
    with SessionLocal() as session:  # error: SES006
        tokens = session.scalars(select(Subscription.device_token).where(Subscription.topic == topic)).all()
    await asyncio.gather(*(send_push(token, text) for token in tokens))
    return len(tokens)
