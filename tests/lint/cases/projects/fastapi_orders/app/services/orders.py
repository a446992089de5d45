"""Order services. The session always comes from the route (`Depends(get_db)`)."""
from __future__ import annotations

import logging
import secrets
from decimal import Decimal

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.errors import handle_db_error, rollback_quietly
from app.models import Customer, Order

log = logging.getLogger(__name__)


def create_order(session: Session, customer: Customer, total: Decimal) -> Order:
    order = Order(reference=secrets.token_hex(8), customer=customer, total=total)
    session.add(order)
    try:
        session.flush()
    except SQLAlchemyError as exc:
        handle_db_error(session, exc)
    return order


def apply_coupon(session: Session, order: Order, code: str) -> bool:
    order.coupon = code.upper()
    try:
        session.flush()
    except IntegrityError:
        rollback_quietly(session)
        return False
    return True


def cancel_order(session: Session, order: Order) -> None:
    order.status = "cancelled"
    session.commit()  # error: SES001


def tag_vip(session: Session, customer: Customer) -> None:
    try:
        customer.email = customer.email.lower()
        session.flush()
    except IntegrityError:  # error: SES002
        log.info("customer %s has a duplicate email", customer.id)
