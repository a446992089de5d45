"""Async ingestion loop with one `AsyncSession` for the whole batch; failures skipped.

After the first failed flush, the `except IntegrityError: continue` keeps using the
failed session, so the rest of the batch and the final commit fail (DESIGN.md SES002:
next loop iteration).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from feeds.models import FeedItem

log = logging.getLogger(__name__)
engine = create_async_engine("postgresql+asyncpg://feeds@localhost/feeds")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def store_items(feed_id: int, entries: Iterable[dict]) -> int:
    stored = 0
    async with async_session() as session:
        for entry in entries:
            session.add(FeedItem(feed_id=feed_id, guid=entry["guid"], title=entry["title"], url=entry["link"]))
            try:
                await session.flush()
            except IntegrityError:  # error: SES002
                log.debug("feed %s: already have %s", feed_id, entry["guid"])
                continue
            stored += 1
        await session.commit()
    return stored
