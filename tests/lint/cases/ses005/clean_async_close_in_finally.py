"""`AsyncSession` closed with `await session.close()` in `finally`.

DESIGN.md SES005: close in `finally` on every path (and awaited, so not SES006).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from search.db import engine
from search.models import SavedSearch


async def saved_searches(user_id: int) -> list[str]:
    session = AsyncSession(engine, expire_on_commit=False)
    try:
        rows = await session.scalars(select(SavedSearch.query).where(SavedSearch.user_id == user_id))
        return list(rows)
    finally:
        await session.close()
