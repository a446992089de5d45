"""Async test fixture: session joined to an outer connection with a savepoint mode.

`AsyncSession(bind=connection, join_transaction_mode="create_savepoint")` borrows the
fixture's connection; the connection and its outer transaction are what the fixture
cleans up (SES005 does not report sessions bound to a caller's connection).
"""
from __future__ import annotations

from typing import AsyncIterator

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

engine = create_async_engine("postgresql+asyncpg://test@localhost/test")


@pytest_asyncio.fixture
async def session() -> AsyncIterator[AsyncSession]:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        yield session
        await transaction.rollback()
