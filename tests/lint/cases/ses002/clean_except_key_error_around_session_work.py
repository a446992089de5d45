"""`except KeyError` around code that also queries the session.

A `KeyError` cannot be a database error (DESIGN.md: handlers that cannot catch database
errors); a failing query would propagate out of the function untouched.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from pricing.models import PriceList, Product

CURRENCY_BY_COUNTRY = {"DE": "EUR", "FR": "EUR", "GB": "GBP", "US": "USD"}


def price_for(session: Session, product: Product, country: str) -> int:
    try:
        currency = CURRENCY_BY_COUNTRY[country]
        price_list = session.get(PriceList, (product.id, currency))
        amount = price_list.amounts[product.variant]
    except KeyError:
        price_list = session.get(PriceList, (product.id, "USD"))
        amount = price_list.default_amount
    return amount
