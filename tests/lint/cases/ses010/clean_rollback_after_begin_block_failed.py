"""`rollback()` in an `except` *outside* the `begin()` block that failed.

When the block raises, it has already rolled back; the outer handler's `rollback()` runs
after the block has exited, so it is not inside it (DESIGN.md SES010).
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sync.db import engine
from sync.models import RemoteItem

log = logging.getLogger(__name__)


def sync_items(items: list[dict]) -> bool:
    with Session(engine) as session:
        try:
            with session.begin():
                for item in items:
                    session.merge(RemoteItem(id=item["id"], payload=item))
        except SQLAlchemyError:
            session.rollback()
            log.exception("sync of %d items failed", len(items))
            return False
        return True
