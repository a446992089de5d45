"""Typed session aliases: read-only and read-write sessions are distinct types."""
from __future__ import annotations

from typing import NewType

from sqlalchemy.ext.asyncio import AsyncSession as _AsyncSession
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

AsyncReadSession = NewType("AsyncReadSession", _AsyncSession)
AsyncSession = NewType("AsyncSession", AsyncReadSession)


def create_sessionmaker(url: str) -> async_sessionmaker[_AsyncSession]:
    return async_sessionmaker(create_async_engine(url), expire_on_commit=False)
