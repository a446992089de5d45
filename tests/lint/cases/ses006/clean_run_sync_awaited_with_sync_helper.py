"""`await session.run_sync(fn)`: the sync helper receives a sync `Session` in a plain `def`.

The synchronous session only lives inside a synchronous function run by `run_sync`
(DESIGN.md SES006 is about sync sessions inside `async def`).
"""
from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session


def _table_names(sync_session: Session) -> list[str]:
    return inspect(sync_session.connection()).get_table_names()


async def list_tables(session: AsyncSession) -> list[str]:
    return await session.run_sync(_table_names)
