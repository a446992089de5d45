"""Async dependency committing after `yield`, always used with `scope="function"`.

(DESIGN.md SES013: `Depends(..., scope="function")` makes the post-`yield` code run
before the response.)
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
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise


AsyncDb = Annotated[AsyncSession, Depends(get_async_db, scope="function")]
router = APIRouter()


@router.post("/tasks")
async def create_task(title: str, db: AsyncDb) -> dict[str, str]:
    db.add(Task(title=title))
    return {"title": title}


@router.delete("/tasks/{task_id}")
async def delete_task(task_id: int, db: AsyncSession = Depends(get_async_db, scope="function")) -> None:
    task = await db.get(Task, task_id)
    if task is not None:
        await db.delete(task)
