"""Chat-bot webhook module creating one `AsyncSession` from the factory at import time.

Every incoming update is handled in its own task; all of them share the one session
(DESIGN.md SES007; calling `async_sessionmaker(...)()` creates an instance).
"""
from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bot.models import Subscriber
from bot.telegram import Update, send_message

engine = create_async_engine("postgresql+asyncpg://bot@localhost/bot")
async_session_factory = async_sessionmaker(engine, expire_on_commit=False)
session = async_session_factory()  # error: SES007
app = FastAPI()


@app.post("/telegram/webhook")
async def on_update(update: Update) -> dict[str, bool]:
    chat_id = update.message.chat.id
    exists = (await session.scalars(select(Subscriber).where(Subscriber.chat_id == chat_id))).first()
    if exists is None:
        session.add(Subscriber(chat_id=chat_id, name=update.message.from_user.full_name))
        await session.commit()
    await send_message(chat_id, "Subscribed!")
    return {"ok": True}
