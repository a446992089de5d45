"""The same committing context manager behind a `yield` dependency, used with `scope="function"`.

Counterpart of `bad_yield_dependency_wraps_committing_context_manager.py`, as the real
fix left it: the alias is `Depends(get_db_session, scope="function")`, so the dependency's
exit code (and the context manager's commit inside it) runs after the endpoint returns and
before the response is sent; a failing commit becomes a 500 (DESIGN.md SES013). A
streaming endpoint that only reads uses a separate request-scoped alias whose session is
never written.
"""
from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.core.config import settings
from app.models import Membership

engine = create_async_engine(settings.DATABASE_URL)
async_session_maker = async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def _managed_session(factory: async_sessionmaker[AsyncSession]) -> AsyncGenerator[AsyncSession, None]:
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise


async def get_db_session() -> AsyncGenerator[AsyncSession, None]:
    async with _managed_session(async_session_maker) as session:
        yield session


DBSession = Annotated[AsyncSession, Depends(get_db_session, scope="function")]
router = APIRouter()


@router.post("/teams/{team_id}/members")
async def add_member(team_id: int, user_id: int, db: DBSession) -> dict[str, int]:
    db.add(Membership(team_id=team_id, user_id=user_id))
    await db.flush()
    return {"team_id": team_id, "user_id": user_id}
