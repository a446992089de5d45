"""`await session.scalars(q).all()`: the `await` applies to `.all()`, not to `scalars()`.

`session.scalars(q)` is a coroutine, which has no `.all()`: this raises
`AttributeError` at runtime (issue 3, SES006: "the misplaced await in
`await s.scalars(q).all()`"). Correct: `(await session.scalars(q)).all()`.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from blog.models import Post


async def recent_posts(session: AsyncSession, limit: int = 10) -> list[Post]:
    stmt = select(Post).where(Post.published.is_(True)).order_by(Post.published_at.desc()).limit(limit)
    posts = await session.scalars(stmt).all()  # error: SES006
    return list(posts)
