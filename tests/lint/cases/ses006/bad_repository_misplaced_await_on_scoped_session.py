"""Repository using a module-level `async_scoped_session` with a misplaced `await`.

`await session.execute(query).scalars().first()` calls `.scalars()` on the coroutine
returned by `execute()`: `AttributeError: 'coroutine' object has no attribute 'scalars'`
(issue 3, SES006: the misplaced await). Found in a real FastAPI boilerplate.
"""
from __future__ import annotations

from asyncio import current_task
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_scoped_session, async_sessionmaker, create_async_engine

engine = create_async_engine("postgresql+asyncpg://app@localhost/app")
session = async_scoped_session(async_sessionmaker(engine, expire_on_commit=False), scopefunc=current_task)

ModelType = TypeVar("ModelType")


class BaseRepo(Generic[ModelType]):
    def __init__(self, model: type[ModelType]) -> None:
        self.model = model

    async def get_by_id(self, id: int) -> ModelType | None:
        query = select(self.model).where(self.model.id == id)
        return await session.execute(query).scalars().first()  # error: SES006
