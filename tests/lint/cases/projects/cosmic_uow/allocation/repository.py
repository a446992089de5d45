"""Repositories: they see the unit of work's session and never own it."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from allocation.model import Batch, Product


class SqlAlchemyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: set[Product] = set()

    def add(self, product: Product) -> None:
        self.seen.add(product)
        self.session.add(product)

    def get(self, sku: str) -> Optional[Product]:
        product = self.session.scalars(select(Product).where(Product.sku == sku)).first()
        if product is not None:
            self.seen.add(product)
        return product

    def add_batch_now(self, batch: Batch) -> None:
        self.session.add(batch)
        self.session.commit()  # error: SES001
