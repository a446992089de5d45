"""Lazily created global session: created on first use, then shared by every caller.

`get_session()` caches one Session in a module global; all threads and requests share it
(DESIGN.md SES007: "a lazily created global/singleton"). The anchor is the line that
creates the instance.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy.orm import Session

from inventory.db import SessionLocal
from inventory.models import Item

_session: Optional[Session] = None


def get_session() -> Session:
    global _session
    if _session is None:
        _session = SessionLocal()  # error: SES007
    return _session


def item_by_sku(sku: str) -> Optional[Item]:
    return get_session().query(Item).filter_by(sku=sku).first()


def rename_item(sku: str, name: str) -> None:
    item = item_by_sku(sku)
    if item is not None:
        item.name = name
        get_session().flush()
