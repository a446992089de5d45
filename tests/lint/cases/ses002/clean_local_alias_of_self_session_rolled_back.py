"""A local alias `session = self.session`; the handler rolls back through `self.session`.

Both names refer to the same session, so the rollback clears the handler (DESIGN.md
SES002: rolls back "that session").
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.models import Product

log = logging.getLogger(__name__)


class ProductRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_if_new(self, sku: str, name: str) -> bool:
        session = self.session
        session.add(Product(sku=sku, name=name))
        try:
            session.flush()
        except IntegrityError:
            self.session.rollback()
            log.debug("product %s exists", sku)
            return False
        return True
