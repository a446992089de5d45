"""Session parameter with a string (forward-reference) annotation under TYPE_CHECKING.

`"Session"` is imported only for type checking, a common way to avoid import cycles.
The annotation still makes `session` a session received from the caller (DESIGN.md:
string annotations included), so the commit is SES001.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from inventory.models import StockMovement, Warehouse

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def transfer_stock(
    session: "Session", sku: str, source: Warehouse, target: Warehouse, quantity: int
) -> StockMovement:
    if quantity <= 0:
        raise ValueError(f"quantity must be positive, got {quantity}")
    source.adjust(sku, -quantity)
    target.adjust(sku, quantity)
    movement = StockMovement(sku=sku, source=source, target=target, quantity=quantity)
    session.add(movement)
    session.commit()  # error: SES001
    log.info("moved %s x%d from %s to %s", sku, quantity, source.code, target.code)
    return movement
