"""Async `get_db` creating the session itself, committing in `try/else` after `yield`.

The `else:` runs after the route finished, which (default scope) is after the response
was sent (DESIGN.md SES013). The dependency closes in `finally`, so it is not SES005.
Shape taken from a real project.
"""
from __future__ import annotations

from typing import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

engine = create_async_engine("postgresql+asyncpg://app@localhost/app")
SessionAsync = async_sessionmaker(engine, expire_on_commit=False)


async def get_db() -> AsyncIterator[AsyncSession]:
    session = SessionAsync()
    try:
        yield session
    except Exception:
        await session.rollback()
        raise
    else:
        await session.commit()  # error: SES013
    finally:
        await session.close()
