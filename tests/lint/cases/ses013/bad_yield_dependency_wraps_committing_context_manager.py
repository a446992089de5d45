"""The request dependency yields inside a project context manager that commits after its yield.

Modelled on a real fix ("commit the request's transaction before the response is sent"):
`get_db_session` is a FastAPI `yield` dependency that does `async with
_managed_session(...) as session: yield session`, and `_managed_session` is an
`@asynccontextmanager` of the same module that commits after its own `yield`. So the
commit runs when the dependency's exit code runs, which, with the default scope, is after
the response has been sent (DESIGN.md SES013): a failing commit still answers 2xx. The
commit call inside the context manager is the anchor. The real fix declared the alias
with `Depends(get_db_session, scope="function")`. `get_db_context`, used with `async
with` by websocket handlers, is not a dependency and is fine.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.core.config import settings
from app.models import Membership

logger = logging.getLogger(__name__)

engine = create_async_engine(settings.DATABASE_URL, pool_size=settings.DB_POOL_SIZE)
async_session_maker = async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def _managed_session(factory: async_sessionmaker[AsyncSession]) -> AsyncGenerator[AsyncSession, None]:
    """Commit on success, roll back on error."""
    async with factory() as session:
        try:
            yield session
            await session.commit()  # error: SES013
        except Exception:
            logger.exception("DB session error, rolling back")
            await session.rollback()
            raise


async def get_db_session() -> AsyncGenerator[AsyncSession, None]:
    async with _managed_session(async_session_maker) as session:
        yield session


@asynccontextmanager
async def get_db_context() -> AsyncGenerator[AsyncSession, None]:
    async with _managed_session(async_session_maker) as session:
        yield session


DBSession = Annotated[AsyncSession, Depends(get_db_session)]
router = APIRouter()


@router.post("/teams/{team_id}/members")
async def add_member(team_id: int, user_id: int, db: DBSession) -> dict[str, int]:
    db.add(Membership(team_id=team_id, user_id=user_id))
    await db.flush()
    return {"team_id": team_id, "user_id": user_id}
