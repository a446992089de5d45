"""Default `sessionmaker`, `async_sessionmaker` and `scoped_session`: autoflush on.

Nothing disables autoflush here (DESIGN.md SES003).
"""
from __future__ import annotations

from asyncio import current_task

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import async_scoped_session, async_sessionmaker, create_async_engine
from sqlalchemy.orm import scoped_session, sessionmaker

engine = create_engine("postgresql+psycopg://app@localhost/app")
async_engine = create_async_engine("postgresql+asyncpg://app@localhost/app")

SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)
ScopedSession = scoped_session(SessionLocal)
AsyncSessionLocal = async_sessionmaker(async_engine, expire_on_commit=False)
AsyncScopedSession = async_scoped_session(AsyncSessionLocal, scopefunc=current_task)
