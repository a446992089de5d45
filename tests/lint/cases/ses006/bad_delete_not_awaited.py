"""`session.delete(obj)` without `await`: on `AsyncSession`, `delete` is a coroutine.

Unlike `Session.delete`, `AsyncSession.delete` must be awaited; the object is never
marked deleted and the commit deletes nothing (issue 3, SES006 method list).
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from files.models import StoredFile
from files.storage import remove_blob


async def delete_file(session: AsyncSession, file_id: int) -> bool:
    stored = await session.get(StoredFile, file_id)
    if stored is None:
        return False
    await remove_blob(stored.blob_key)
    session.delete(stored)  # error: SES006
    await session.flush()
    return True
