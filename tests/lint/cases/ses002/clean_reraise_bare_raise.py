"""Handler logs the failure with context and re-raises with a bare `raise`.

Re-raising hands the error to the owner (the request dependency rolls back), so nothing
is swallowed (DESIGN.md SES002: "nor re-raises").
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from billing.models import Invoice, InvoiceLine

log = logging.getLogger(__name__)


def add_line(session: Session, invoice: Invoice, description: str, amount_cents: int) -> InvoiceLine:
    line = InvoiceLine(invoice=invoice, description=description, amount_cents=amount_cents)
    try:
        session.add(line)
        invoice.total_cents += amount_cents
        session.flush()
    except SQLAlchemyError:
        log.exception("could not add line to invoice %s", invoice.number)
        raise
    return line
