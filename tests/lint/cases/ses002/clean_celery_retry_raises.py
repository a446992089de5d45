"""Celery task: `raise self.retry(exc=exc)` from an `OperationalError` handler.

`raise self.retry(...)` re-raises (DESIGN.md SES002: re-raise in any form), and the task's
`with` block closes the session on the way out.
"""
from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError

from warehouse.db import SessionLocal
from warehouse.models import Shipment


@shared_task(bind=True, max_retries=5, default_retry_delay=10)
def confirm_shipment(self, shipment_id: int, carrier_ref: str) -> str:
    with SessionLocal() as session:
        shipment = session.get(Shipment, shipment_id)
        if shipment is None:
            return "missing"
        shipment.carrier_ref = carrier_ref
        shipment.status = "confirmed"
        try:
            session.commit()
        except OperationalError as exc:
            raise self.retry(exc=exc)
        return "confirmed"
