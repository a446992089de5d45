"""Repository method logs any `SQLAlchemyError` from its `self.session` and returns False.

`self.session` belongs to the request and outlives the method (DESIGN.md SES002); after
a failed flush the caller's later queries raise `PendingRollbackError`, and on PostgreSQL a
failed query silently turns the final commit into a rollback (reference/semantics.md §2).
"""
from __future__ import annotations

import logging

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shop.models import CartItem, Product

logger = logging.getLogger(__name__)


class CartRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_item(self, cart_id: int, product: Product, quantity: int) -> bool:
        try:
            self.session.add(CartItem(cart_id=cart_id, product_id=product.id, quantity=quantity))
            self.session.execute(
                update(Product).where(Product.id == product.id).values(reserved=Product.reserved + quantity)
            )
            self.session.flush()
        except SQLAlchemyError:  # error: SES002
            logger.exception("could not add product %s to cart %s", product.id, cart_id)
            return False
        return True
