"""`session.run_sync(fn)` without `await`: the synchronous function never runs.

`AsyncSession.run_sync` is a coroutine method (issue 3, SES006 list); the bulk update
silently does nothing before the commit.
"""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from pricing.models import Price


def _apply_increase(sync_session: Session, percent: int) -> None:
    sync_session.execute(update(Price).values(cents=Price.cents * (100 + percent) // 100))


async def raise_prices(session: AsyncSession, percent: int) -> None:
    session.run_sync(_apply_increase, percent)  # error: SES006
    await session.flush()
