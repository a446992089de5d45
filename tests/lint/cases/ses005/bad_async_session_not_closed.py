"""Async handler creating an `AsyncSession` from the factory without `async with`.

Nothing closes it on any path; the asyncpg connection stays checked out until the
session object is collected (DESIGN.md SES005).
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from alerts.models import Alert

engine = create_async_engine("postgresql+asyncpg://alerts@localhost/alerts")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def raise_alert(source: str, severity: str, text: str) -> int:
    session = async_session()  # error: SES005
    alert = Alert(source=source, severity=severity, text=text)
    session.add(alert)
    await session.commit()
    return alert.id
