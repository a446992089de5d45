"""`session.autoflush = False` set in a helper and never restored.

The assignment lasts for the rest of the request: every later query in every service
runs without autoflush (DESIGN.md SES003: "a lasting `session.autoflush = False`").
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pricing.models import PriceRule, Product


def prepare_bulk_pricing(session: Session, products: list[Product]) -> list[PriceRule]:
    session.autoflush = False  # error: SES003
    rules = session.scalars(select(PriceRule).where(PriceRule.active.is_(True))).all()
    for product in products:
        product.price_cents = min(rule.apply(product.base_price_cents) for rule in rules)
    return list(rules)
