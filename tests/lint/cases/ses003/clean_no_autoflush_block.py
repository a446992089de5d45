"""`with session.no_autoflush:` around building an object graph: scoped, so fine.

Issue 3, SES003: "Not a finding: `with session.no_autoflush:`". Autoflush is back on
after the block.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from orders.models import Order, OrderLine, Product


def build_order(session: Session, customer_id: int, items: dict[str, int]) -> Order:
    order = Order(customer_id=customer_id)
    session.add(order)
    with session.no_autoflush:
        for sku, quantity in items.items():
            product = session.scalars(select(Product).where(Product.sku == sku)).one()
            order.lines.append(OrderLine(product=product, quantity=quantity, price=product.price))
    session.flush()
    return order
