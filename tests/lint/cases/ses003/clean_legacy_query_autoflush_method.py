"""Legacy `Query.autoflush(False)` on a single query in 1.x-style code.

`Query.autoflush(False)` affects only that query object; the session keeps autoflush on,
so nothing lasting is disabled (issue 3, SES003: only constructor/factory keywords and a
lasting `session.autoflush = False` are findings).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from legacy.models import Customer, Invoice


def draft_invoice(session: Session, customer_id: int, lines: list[dict]) -> Invoice:
    invoice = Invoice(customer_id=customer_id, status="draft")
    session.add(invoice)
    customer = session.query(Customer).autoflush(False).filter(Customer.id == customer_id).one()
    invoice.currency = customer.currency
    invoice.set_lines(lines)
    session.flush()
    return invoice
