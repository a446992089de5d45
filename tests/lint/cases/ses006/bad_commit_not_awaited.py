"""`session.commit()` on an `AsyncSession` without `await`.

The call returns a coroutine that never runs: nothing is committed and the only signal
is a `RuntimeWarning` at garbage collection (reference/semantics.md §3 case C; DESIGN.md
SES006, anchor: the call). The function creates the session, so it is not SES001.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bookmarks.models import Bookmark

engine = create_async_engine("postgresql+asyncpg://bookmarks@localhost/bookmarks")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def save_bookmark(user_id: int, url: str, title: str) -> int:
    async with async_session() as session:
        bookmark = Bookmark(user_id=user_id, url=url, title=title or url)
        session.add(bookmark)
        session.commit()  # error: SES006
        return bookmark.id
