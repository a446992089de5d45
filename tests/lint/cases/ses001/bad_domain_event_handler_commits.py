"""In-process domain event handlers that commit the publisher's session.

The message bus calls each handler with the session of the unit of work that raised the
event; the handler commits it mid-way, before the bus has run the other handlers
(DESIGN.md SES001, session received as a parameter).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from orders.models import LoyaltyAccount, Shipment


@dataclass(frozen=True)
class OrderPaid:
    order_id: int
    customer_id: int
    amount_cents: int


def schedule_shipment(event: OrderPaid, session: Session) -> None:
    session.add(Shipment(order_id=event.order_id, status="pending"))
    session.flush()


def award_loyalty_points(event: OrderPaid, session: Session) -> None:
    account = session.get(LoyaltyAccount, event.customer_id)
    if account is None:
        account = LoyaltyAccount(customer_id=event.customer_id, points=0)
        session.add(account)
    account.points += event.amount_cents // 100
    session.commit()  # error: SES001


HANDLERS = {OrderPaid: [schedule_shipment, award_loyalty_points]}
