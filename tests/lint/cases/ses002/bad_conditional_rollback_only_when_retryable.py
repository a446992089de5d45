"""Rollback only on the retryable branch; the other branch returns with a failed session.

One path through the handler rolls back and retries, the other logs and returns `False`
while the session (a parameter) stays failed for the caller (DESIGN.md SES002).
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ledger.models import Entry

log = logging.getLogger(__name__)
RETRYABLE = {"40001", "40P01"}


def post_entry(session: Session, account_id: int, cents: int, attempts: int = 3) -> bool:
    for _ in range(attempts):
        session.add(Entry(account_id=account_id, cents=cents))
        try:
            session.flush()
            return True
        except DBAPIError as exc:  # error: SES002
            if getattr(exc.orig, "sqlstate", None) in RETRYABLE:
                session.rollback()
                continue
            log.error("entry for account %s rejected: %s", account_id, exc)
            return False
    return False
