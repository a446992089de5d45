"""Async get-or-create: `await session.execute(...)` in the `except` on the failed session.

Same race as the sync version: the insert loses, the handler re-selects without
`await session.rollback()`, and gets `PendingRollbackError` (DESIGN.md SES002).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.models import Brand


async def get_or_create_brand(session: AsyncSession, slug: str, display_name: str) -> Brand:
    result = await session.execute(select(Brand).where(Brand.slug == slug))
    brand = result.scalar_one_or_none()
    if brand is not None:
        return brand
    brand = Brand(slug=slug, display_name=display_name)
    session.add(brand)
    try:
        await session.flush()
    except IntegrityError:  # error: SES002
        result = await session.execute(select(Brand).where(Brand.slug == slug))
        brand = result.scalar_one()
    return brand
