"""`except (IntegrityError, ValueError)` swallowed on a request's session.

A tuple containing a database error class can catch a flush failure (DESIGN.md SES002);
the session belongs to the route and is used again after `apply_coupon` returns.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from checkout.models import Cart, CouponRedemption


def apply_coupon(session: Session, cart: Cart, code: str, percent: str) -> str:
    try:
        discount = Decimal(percent) / 100
        if not 0 < discount <= 1:
            raise ValueError(f"discount out of range: {percent}")
        session.add(CouponRedemption(cart=cart, code=code.upper()))
        session.flush()
        cart.discount = discount
    except (IntegrityError, ValueError, InvalidOperation) as exc:  # error: SES002
        cart.notes = f"coupon {code} rejected: {exc}"
        return "rejected"
    return "applied"
