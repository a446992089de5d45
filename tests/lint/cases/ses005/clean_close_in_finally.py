"""`try/finally: session.close()` around all the work, early return included.

DESIGN.md SES005: `close()` in `finally` covers every path.
"""
from __future__ import annotations

from invoicing.db import SessionLocal
from invoicing.models import Invoice
from invoicing.pdf import render_invoice


def finalize_invoice(invoice_id: int) -> str | None:
    session = SessionLocal()
    try:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None or invoice.status == "final":
            return None
        invoice.pdf_key = render_invoice(invoice)
        invoice.status = "final"
        session.commit()
        return invoice.pdf_key
    finally:
        session.close()
