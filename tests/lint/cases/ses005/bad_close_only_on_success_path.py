"""`close()` at the end of the happy path only: an exception skips it.

If `render_invoice` or `commit()` raises, the session (and its connection) is never closed
(issue 3: "`close()` only on the success path is a finding").
"""
from __future__ import annotations

from invoicing.db import SessionLocal
from invoicing.models import Invoice
from invoicing.pdf import render_invoice


def finalize_invoice(invoice_id: int) -> str:
    session = SessionLocal()  # error: SES005
    invoice = session.get(Invoice, invoice_id)
    invoice.pdf_key = render_invoice(invoice)
    invoice.status = "final"
    session.commit()
    session.close()
    return invoice.pdf_key
