"""Coroutines of two *different* sessions passed to `asyncio.gather` and awaited there.

`gather(a.commit(), b.commit())` awaits both coroutines; nothing is left un-awaited
(DESIGN.md SES006 is about coroutines that are never awaited). Each session is used by one
task only.
"""
from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import async_sessionmaker

from archive.models import ArchivedOrder, Order


async def archive_orders(live: async_sessionmaker, cold: async_sessionmaker, order_ids: list[int]) -> int:
    async with live() as live_session, cold() as cold_session:
        orders = [await live_session.get(Order, order_id) for order_id in order_ids]
        cold_session.add_all(ArchivedOrder.from_order(order) for order in orders if order is not None)
        for order in orders:
            if order is not None:
                order.archived = True
        await asyncio.gather(cold_session.commit(), live_session.commit())
    return len(orders)
