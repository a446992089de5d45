"""Commit inside a loop guarded by a business condition, not a batch size.

`if order.priority:` does not make this a checkpoint: priority orders are committed one by
one, in the middle of the unit of work (DESIGN.md SES004; only batch-size checkpoints are
exempt).
"""
from __future__ import annotations

from sqlalchemy import select

from fulfilment.db import SessionLocal
from fulfilment.models import Order
from fulfilment.picking import assign_picker


def assign_pickers(warehouse_id: int) -> int:
    assigned = 0
    with SessionLocal() as session:
        orders = session.scalars(
            select(Order).where(Order.warehouse_id == warehouse_id, Order.picker_id.is_(None))
        ).all()
        for order in orders:
            order.picker_id = assign_picker(order)
            assigned += 1
            if order.priority:
                session.commit()  # error: SES004
        session.commit()
    return assigned
