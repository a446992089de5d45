"""Async Redis stream consumer opening an `AsyncSession` per message.

The session is created inside the `async for` body, so each commit ends that message's
own unit of work (DESIGN.md SES004: a session created per iteration).
"""
from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from chat.models import DeliveryReceipt

engine = create_async_engine("postgresql+asyncpg://chat@localhost/chat")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def store_receipts(receipts: AsyncIterator[dict]) -> int:
    stored = 0
    async for receipt in receipts:
        async with async_session() as session:
            session.add(DeliveryReceipt(message_id=receipt["message"], user_id=receipt["user"], at=receipt["ts"]))
            await session.commit()
        stored += 1
    return stored
