"""`async with async_session.begin() as session:` with no explicit commit or rollback.

The block commits on success and rolls back on error by itself (DESIGN.md SES010).
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from votes.models import Poll, Vote

engine = create_async_engine("postgresql+asyncpg://votes@localhost/votes")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def cast(poll_id: int, option: str, voter: str) -> int:
    async with async_session.begin() as session:
        poll = await session.get(Poll, poll_id, with_for_update=True)
        session.add(Vote(poll=poll, option=option, voter=voter))
        poll.total_votes += 1
        return poll.total_votes
