"""Async service swallows `SQLAlchemyError` on an `AsyncSession` it received.

The route's dependency owns the session and commits it afterwards; after a failed flush
that commit raises `PendingRollbackError`, after a failed query on asyncpg it silently
loses the whole request (reference/semantics.md §3; DESIGN.md SES002).
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from social.models import Follow, User

log = logging.getLogger(__name__)


async def follow(session: AsyncSession, follower: User, username: str) -> bool:
    try:
        target = (await session.scalars(select(User).where(User.username == username))).one()
        session.add(Follow(follower_id=follower.id, followee_id=target.id))
        await session.flush()
    except SQLAlchemyError as exc:  # error: SES002
        log.warning("follow %s -> %s failed: %s", follower.username, username, exc)
        return False
    target.follower_count += 1
    return True
