"""Module-level `AsyncSession` used by async routes that run concurrently.

Two requests awaiting on the same AsyncSession at once raise "concurrent operations are
not permitted" / `IllegalStateChangeError` (reference/landscape.md §3.6; DESIGN.md SES007).
"""
from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from chat.models import Message

engine = create_async_engine("postgresql+asyncpg://chat@localhost/chat")
session = AsyncSession(engine, expire_on_commit=False)  # error: SES007
app = FastAPI()


@app.get("/rooms/{room_id}/messages")
async def messages(room_id: int) -> list[dict]:
    rows = await session.scalars(select(Message).where(Message.room_id == room_id).limit(100))
    return [{"id": m.id, "text": m.text} for m in rows]


@app.post("/rooms/{room_id}/messages")
async def post_message(room_id: int, text: str) -> dict[str, int]:
    message = Message(room_id=room_id, text=text)
    session.add(message)
    await session.commit()
    return {"id": message.id}
