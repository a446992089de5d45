"""Class-based dependency: `Depends(TransactionalSession())` whose `__call__` commits after `yield`.

FastAPI calls the instance; its `__call__` is a `yield` dependency with the default scope,
so the commit runs after the response has been sent (DESIGN.md SES013).
"""
from __future__ import annotations

from typing import Annotated, AsyncIterator

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

engine = create_async_engine("postgresql+asyncpg://app@localhost/app")
async_session = async_sessionmaker(engine, expire_on_commit=False)


class TransactionalSession:
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        async with async_session() as session:
            yield session
            await session.commit()  # error: SES013


Tx = Annotated[AsyncSession, Depends(TransactionalSession())]
router = APIRouter()


@router.post("/tags")
async def add_tag(name: str, session: Tx) -> dict[str, str]:
    session.add(Tag(name=name))
    return {"name": name}
