"""`async with async_session.begin() as session:` plus an explicit `await session.commit()`.

`async_sessionmaker.begin()` commits on exit; the explicit commit inside the block is
SES010 (DESIGN.md: `Session.begin()` / `async with` equivalent), and the `refresh` after
it fails because the block's transaction is closed.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from votes.models import Poll, Vote

engine = create_async_engine("postgresql+asyncpg://votes@localhost/votes")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def cast(poll_id: int, option: str, voter: str) -> int:
    async with async_session.begin() as session:
        poll = await session.get(Poll, poll_id)
        session.add(Vote(poll=poll, option=option, voter=voter))
        poll.total_votes += 1
        await session.commit()  # error: SES010
        await session.refresh(poll)
        return poll.total_votes
