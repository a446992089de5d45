"""`await session.rollback()` inside `async with session.begin():` on a validation failure.

The rollback closes the block's transaction; the `RejectedOrder` insert that follows in
the same block fails (DESIGN.md SES010, async equivalent).
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from orders.models import Order, RejectedOrder


async def accept_order(session: AsyncSession, order_id: int, max_total_cents: int) -> bool:
    async with session.begin():
        order = await session.get(Order, order_id)
        if order.total_cents > max_total_cents:
            await session.rollback()  # error: SES010
            session.add(RejectedOrder(order_id=order_id, reason="over limit"))
            return False
        order.status = "accepted"
        return True
