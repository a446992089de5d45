"""Async dependency with the commit after `yield` on the success path, alias without scope.

`AsyncDb = Annotated[AsyncSession, Depends(get_async_db)]`; the commit after `yield` runs
after the response has been sent (DESIGN.md SES013).
"""
from __future__ import annotations

from typing import Annotated, AsyncIterator

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from tasks.models import Task

engine = create_async_engine("postgresql+asyncpg://tasks@localhost/tasks")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def get_async_db() -> AsyncIterator[AsyncSession]:
    async with async_session() as session:
        failed = False
        try:
            yield session
        except Exception:
            failed = True
            await session.rollback()
            raise
        finally:
            if not failed:
                await session.commit()  # error: SES013


AsyncDb = Annotated[AsyncSession, Depends(get_async_db)]
router = APIRouter()


@router.post("/tasks")
async def create_task(title: str, db: AsyncDb) -> dict[str, str]:
    db.add(Task(title=title))
    return {"title": title}
