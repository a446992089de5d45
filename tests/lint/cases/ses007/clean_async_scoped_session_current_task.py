"""`async_scoped_session(..., scopefunc=current_task)`: one session per asyncio task.

A registry keyed by task is the async equivalent of `scoped_session` (DESIGN.md SES007:
fine).
"""
from __future__ import annotations

from asyncio import current_task

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_scoped_session, async_sessionmaker, create_async_engine

from chat.models import Message

engine = create_async_engine("postgresql+asyncpg://chat@localhost/chat")
Session = async_scoped_session(async_sessionmaker(engine, expire_on_commit=False), scopefunc=current_task)
app = FastAPI()


@app.get("/rooms/{room_id}/messages")
async def messages(room_id: int) -> list[dict]:
    try:
        rows = await Session.scalars(select(Message).where(Message.room_id == room_id).limit(100))
        return [{"id": m.id, "text": m.text} for m in rows]
    finally:
        await Session.remove()
