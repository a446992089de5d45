"""`(await session.scalars(q)).all()` and `(await session.execute(q)).scalars()`: correct awaits.

The coroutine is awaited first, then the sync result methods are called (issue 3: the
misplaced form is the bug, this one is the fix).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from blog.models import Post, Tag


async def recent_posts(session: AsyncSession, limit: int = 10) -> list[Post]:
    stmt = select(Post).where(Post.published.is_(True)).order_by(Post.published_at.desc()).limit(limit)
    return list((await session.scalars(stmt)).all())


async def tag_names(session: AsyncSession) -> list[str]:
    result = await session.execute(select(Tag).order_by(Tag.name))
    return [tag.name for tag in result.scalars()]
