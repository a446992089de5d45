"""A "retry" loop that forgets to leave after a successful commit.

Without `break`/`return` after `commit()`, the loop commits on every attempt even when
the first one succeeded; the retry exemption needs the loop to leave right after a
successful commit (DESIGN.md SES004).
"""
from __future__ import annotations

import logging
import time

from sqlalchemy.exc import OperationalError

from ledger.db import SessionLocal
from ledger.models import Transfer

log = logging.getLogger(__name__)


def record_transfer(source: int, target: int, cents: int, attempts: int = 3) -> None:
    with SessionLocal() as session:
        for attempt in range(attempts):
            session.add(Transfer(source_id=source, target_id=target, cents=cents))
            try:
                session.commit()  # error: SES004
            except OperationalError:
                session.rollback()
                log.warning("transfer commit failed (attempt %d)", attempt + 1)
                time.sleep(0.1 * (attempt + 1))
