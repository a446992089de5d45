"""`session.get(Model, pk)` without `await` on an `AsyncSession`.

The variable holds a coroutine, so `order.status` raises `AttributeError` (DESIGN.md
SES006).
"""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from shop.models import Order

router = APIRouter()


async def order_status(session: AsyncSession, order_id: int) -> str:
    order = session.get(Order, order_id)  # error: SES006
    if order is None:
        raise HTTPException(status_code=404)
    return order.status
