"""`sessionmaker(..., class_=AsyncSession)` dependency rolls back without `await` in one branch.

Modelled on a real "missing await" fix in an async FastAPI template: the factory is the
SQLAlchemy 1.4 spelling `sessionmaker(engine, class_=AsyncSession)` (still accepted by 2.x),
and the session is opened with `async with async_session() as session`, so it is an
`AsyncSession` both by its factory and by `async with`. The `HTTPException` branch calls
`session.rollback()` without `await`: the coroutine is created and dropped, nothing is
rolled back, and Python warns "coroutine 'AsyncSession.rollback' was never awaited"
(DESIGN.md SES006, anchored on the call). The other branch awaits correctly. The commit
after `yield` is also SES013 (no use site sets `scope="function"`).
"""
from __future__ import annotations

from typing import AsyncGenerator

from fastapi import HTTPException
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import sessionmaker

from the_app import config

engine = create_async_engine(config.get_settings().asyncpg_url, future=True)
async_session = sessionmaker(engine, expire_on_commit=False, class_=AsyncSession)


async def get_db() -> AsyncGenerator[AsyncSession, None]:
    async with async_session() as session:
        try:
            yield session
            await session.commit()  # error: SES013
        except SQLAlchemyError:
            await session.rollback()
            raise
        except HTTPException:
            session.rollback()  # error: SES006
            raise
