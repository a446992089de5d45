"""Async consumer committing the `AsyncSession` on every event of an `async for`.

The session comes from `async with async_session()` outside the loop (DESIGN.md SES004
includes `async for`).
"""
from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from telemetry.models import Heartbeat

engine = create_async_engine("postgresql+asyncpg://telemetry@localhost/telemetry")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def store_heartbeats(events: AsyncIterator[dict]) -> int:
    stored = 0
    async with async_session() as session:
        async for event in events:
            session.add(Heartbeat(device_id=event["device"], battery=event["battery"], at=event["ts"]))
            await session.commit()  # error: SES004
            stored += 1
    return stored
