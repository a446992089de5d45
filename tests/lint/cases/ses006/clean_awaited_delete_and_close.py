"""Every `AsyncSession` coroutine method awaited, including `delete` and `close`.

Issue 3, SES006: `delete`, `commit`, `close` are coroutines; here they are awaited.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from files.models import StoredFile


async def purge_file(factory: async_sessionmaker[AsyncSession], file_id: int) -> bool:
    session = factory()
    try:
        stored = await session.get(StoredFile, file_id)
        if stored is None:
            return False
        await session.delete(stored)
        await session.commit()
        return True
    finally:
        await session.close()
