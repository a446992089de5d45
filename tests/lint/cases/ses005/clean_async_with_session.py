"""`async with async_session() as session:` closes the `AsyncSession` on every path.

DESIGN.md SES005: `async with` counts as a close.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from alerts.models import Alert

engine = create_async_engine("postgresql+asyncpg://alerts@localhost/alerts")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def raise_alert(source: str, severity: str, text: str) -> int:
    async with async_session() as session:
        alert = Alert(source=source, severity=severity, text=text)
        session.add(alert)
        await session.commit()
        return alert.id
