"""A `begin()` block calling a helper that only flushes the session it receives.

No commit or rollback happens inside the block, lexically or in the helper.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from shop.db import SessionLocal
from shop.models import Order, OrderLine, Product


def add_line(session: Session, order: Order, product: Product, quantity: int) -> OrderLine:
    line = OrderLine(order=order, product=product, quantity=quantity, price=product.price)
    session.add(line)
    order.total = (order.total or Decimal("0")) + product.price * quantity
    session.flush()
    return line


def quick_order(customer_id: int, product_id: int, quantity: int) -> int:
    with SessionLocal.begin() as session:
        order = Order(customer_id=customer_id)
        session.add(order)
        add_line(session, order, session.get(Product, product_id), quantity)
        return order.id
