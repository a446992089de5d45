"""Upsert via `session.merge(...)` without `await` on an `AsyncSession`.

`AsyncSession.merge` is a coroutine; the row is never merged and the following commit
writes nothing for it (DESIGN.md SES006).
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from prefs.models import Preference

engine = create_async_engine("postgresql+asyncpg://prefs@localhost/prefs")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def set_preferences(user_id: int, values: dict[str, str]) -> None:
    async with async_session() as session:
        for key, value in values.items():
            session.merge(Preference(user_id=user_id, key=key, value=value))  # error: SES006
        await session.commit()
