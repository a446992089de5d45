"""`async_sessionmaker(engine, autoflush=False, expire_on_commit=False)`.

Common in async templates; the same visibility problem as sync sessions (DESIGN.md
SES003 lists `async_sessionmaker`).
"""
from __future__ import annotations

from typing import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.core.config import settings

engine = create_async_engine(settings.DATABASE_URL, pool_size=10, max_overflow=20)
async_session_factory = async_sessionmaker(
    engine,
    class_=AsyncSession,
    autoflush=False,  # error: SES003
    expire_on_commit=False,
)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with async_session_factory() as session:
        yield session
