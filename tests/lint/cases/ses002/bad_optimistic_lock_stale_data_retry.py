"""Optimistic-locking retry that catches `StaleDataError` and re-reads without rollback.

`StaleDataError` is raised by a flush whose versioned UPDATE matched no row; like any
flush failure it leaves the session needing `rollback()`, so the refresh in the loop's
next iteration raises `PendingRollbackError` (DESIGN.md SES002).
"""
from __future__ import annotations

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from stock.models import InventoryItem


class ConcurrentUpdate(Exception):
    pass


def reserve(session: Session, item: InventoryItem, quantity: int, attempts: int = 3) -> None:
    for _ in range(attempts):
        if item.available < quantity:
            raise ValueError(f"only {item.available} of {item.sku} left")
        item.available -= quantity
        try:
            session.flush()
            return
        except StaleDataError:  # error: SES002
            session.refresh(item)
    raise ConcurrentUpdate(item.sku)
