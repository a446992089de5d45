"""Async service awaits `session.rollback()` in the handler before carrying on.

DESIGN.md SES002: rolling back that session in the handler makes it usable again.
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.models import Sku

log = logging.getLogger(__name__)


async def ensure_sku(session: AsyncSession, code: str, title: str) -> Sku:
    sku = Sku(code=code, title=title)
    session.add(sku)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        log.info("sku %s created concurrently, loading it", code)
        sku = (await session.scalars(select(Sku).where(Sku.code == code))).one()
    return sku
