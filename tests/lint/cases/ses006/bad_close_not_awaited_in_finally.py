"""`session.close()` in `finally` without `await` on an `AsyncSession`.

The close never runs, so the connection leaks. DESIGN.md "Overlaps and edge decisions":
an un-awaited `AsyncSession.close()` is SES006 only (not also SES005).
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
        session.close()  # error: SES006
