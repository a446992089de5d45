"""`flush()` and `refresh()` on an `AsyncSession` called without `await`.

Both are coroutine methods; neither runs, so `comment.id` is still `None` when it is
returned (DESIGN.md SES006: each un-awaited call is a finding).
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from forum.models import Comment


async def add_comment(session: AsyncSession, thread_id: int, author_id: int, body: str) -> int | None:
    comment = Comment(thread_id=thread_id, author_id=author_id, body=body)
    session.add(comment)
    session.flush()  # error: SES006
    session.refresh(comment)  # error: SES006
    return comment.id
