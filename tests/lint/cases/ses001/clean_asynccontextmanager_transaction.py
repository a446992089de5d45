"""`@asynccontextmanager` that creates an `AsyncSession`, yields it and commits once.

It creates and yields the session (DESIGN.md "What owns a session"), and it is used with
`async with`, never as a FastAPI dependency, so SES013 does not apply. The business
coroutine only flushes.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from chat.models import Message, Room

engine = create_async_engine("postgresql+asyncpg://chat@localhost/chat")
async_session = async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction() -> AsyncIterator[AsyncSession]:
    async with async_session() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def post_message(session: AsyncSession, room_id: int, author: str, text: str) -> Message:
    room = await session.get(Room, room_id)
    message = Message(room=room, author=author, text=text)
    room.last_message_preview = text[:80]
    session.add(message)
    await session.flush()
    return message


async def handle_incoming(room_id: int, author: str, text: str) -> int:
    async with transaction() as session:
        message = await post_message(session, room_id, author, text)
        return message.id
