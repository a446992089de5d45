"""FastAPI lifespan handler committing a shutdown marker after `yield`.

A lifespan generator's code after `yield` runs at application shutdown, not after a
request's response; it is not a `yield` dependency (DESIGN.md SES013).
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import AsyncIterator

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from ops.models import InstanceEvent

engine = create_async_engine("postgresql+asyncpg://ops@localhost/ops")
async_session = async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with async_session() as session:
        session.add(InstanceEvent(kind="startup", at=datetime.now(timezone.utc)))
        await session.commit()
    yield
    async with async_session() as session:
        session.add(InstanceEvent(kind="shutdown", at=datetime.now(timezone.utc)))
        await session.commit()
    await engine.dispose()


app = FastAPI(lifespan=lifespan)
