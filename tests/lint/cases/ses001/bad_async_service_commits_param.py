"""Async order service committing the `AsyncSession` it receives.

`place_order` is called by an async route that got the session from
`Depends(get_async_session)`; the service awaits `session.commit()` in the middle of the
request (DESIGN.md SES001, parameter annotated `AsyncSession`).
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.models import Order, OrderLine, Product


class OutOfStock(Exception):
    pass


async def place_order(session: AsyncSession, customer_id: int, items: dict[int, int]) -> Order:
    products = (
        await session.scalars(select(Product).where(Product.id.in_(items)).with_for_update())
    ).all()
    order = Order(customer_id=customer_id, total=Decimal("0"))
    for product in products:
        quantity = items[product.id]
        if product.stock < quantity:
            raise OutOfStock(product.sku)
        product.stock -= quantity
        order.lines.append(OrderLine(product_id=product.id, quantity=quantity, price=product.price))
        order.total += product.price * quantity
    session.add(order)
    await session.commit()  # error: SES001
    await session.refresh(order)
    return order
