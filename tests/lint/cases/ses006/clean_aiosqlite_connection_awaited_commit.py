"""Raw `aiosqlite` connection next to SQLAlchemy async code.

`aiosqlite.Connection` is not a session; its calls are awaited anyway. Nothing here is a
session coroutine left un-awaited or a sync session in a coroutine.
"""
from __future__ import annotations

import aiosqlite
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from geo.models import Region


async def mirror_regions(session: AsyncSession, cache_path: str) -> int:
    regions = (await session.scalars(select(Region))).all()
    async with aiosqlite.connect(cache_path) as cache:
        await cache.execute("CREATE TABLE IF NOT EXISTS regions (code TEXT PRIMARY KEY, name TEXT)")
        await cache.executemany("INSERT OR REPLACE INTO regions VALUES (?, ?)", [(r.code, r.name) for r in regions])
        await cache.commit()
    return len(regions)
