"""`async_scoped_session` keyed by the current task, with awaited calls and `remove()`.

A registry of `AsyncSession`s: its proxied coroutine methods are awaited, and
`await Session.remove()` closes the task's session (DESIGN.md SES006/SES007). The route
has no committing dependency, so it owns its commit (not SES001).
"""
from __future__ import annotations

from asyncio import current_task

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_scoped_session, async_sessionmaker, create_async_engine

from kb.models import Article

engine = create_async_engine("postgresql+asyncpg://kb@localhost/kb")
Session = async_scoped_session(async_sessionmaker(engine, expire_on_commit=False), scopefunc=current_task)
router = APIRouter()


@router.post("/articles/{article_id}/publish")
async def publish(article_id: int) -> bool:
    try:
        article = (await Session.scalars(select(Article).where(Article.id == article_id))).first()
        if article is None:
            return False
        article.published = True
        await Session.commit()
        return True
    finally:
        await Session.remove()
