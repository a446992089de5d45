"""Async `get_session` committing after `yield`, used as `Depends(get_session)`.

A failing `await session.commit()` after the response is logged server-side only; the
client already got 201 (DESIGN.md SES013).
"""
from __future__ import annotations

from typing import AsyncIterator

from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from orders.models import Order

engine = create_async_engine("postgresql+asyncpg://orders@localhost/orders")
async_session = async_sessionmaker(engine, expire_on_commit=False)
app = FastAPI()


async def get_session() -> AsyncIterator[AsyncSession]:
    async with async_session() as session:
        try:
            yield session
            await session.commit()  # error: SES013
        except Exception:
            await session.rollback()
            raise


@app.post("/orders", status_code=201)
async def create_order(customer_id: int, session: AsyncSession = Depends(get_session)) -> dict[str, int]:
    order = Order(customer_id=customer_id)
    session.add(order)
    await session.flush()
    return {"id": order.id}
