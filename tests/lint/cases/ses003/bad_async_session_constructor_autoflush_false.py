"""`AsyncSession(engine, autoflush=False)` created directly in a worker.

Same rule for the async constructor (DESIGN.md SES003).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from scraper.models import Page

engine = create_async_engine("postgresql+asyncpg://scraper@localhost/scraper")


async def queue_links(url: str, links: list[str]) -> int:
    async with AsyncSession(engine, autoflush=False) as session:  # error: SES003
        added = 0
        for link in links:
            seen = (await session.scalars(select(Page.id).where(Page.url == link))).first()
            if seen is None:
                session.add(Page(url=link, discovered_from=url))
                added += 1
        await session.commit()
        return added
