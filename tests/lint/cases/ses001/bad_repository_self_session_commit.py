"""Repository class that commits `self.session`, which it received in `__init__`.

The repository never creates the session; the caller (a request or a job) does and may
call several repositories in one unit of work. DESIGN.md SES001: a session reached via
`self.<attr>` assigned from a parameter is not owned by the method.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.models import Invoice, InvoiceStatus


class InvoiceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, invoice_id: int) -> Optional[Invoice]:
        return self.session.get(Invoice, invoice_id)

    def overdue(self, now: datetime) -> Sequence[Invoice]:
        stmt = select(Invoice).where(
            Invoice.status == InvoiceStatus.OPEN, Invoice.due_at < now
        )
        return self.session.scalars(stmt).all()

    def add(self, invoice: Invoice) -> Invoice:
        self.session.add(invoice)
        self.session.commit()  # error: SES001
        return invoice

    def mark_paid(self, invoice: Invoice, reference: str) -> None:
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = datetime.now(timezone.utc)
        invoice.payment_reference = reference
        self.session.flush()
