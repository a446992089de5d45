"""Per-item commit with rollback on failure: still one job split into many transactions.

Rolling back a failed item is correct for SES002, but the successful items are
committed one by one inside the loop on a session created before it (DESIGN.md SES004).
A savepoint per item plus one commit at the end keeps the job atomic.
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from directory.db import SessionLocal
from directory.models import Employee

log = logging.getLogger(__name__)


def sync_employees(records: list[dict]) -> tuple[int, int]:
    ok = failed = 0
    with SessionLocal() as session:
        for record in records:
            try:
                session.merge(Employee(id=record["id"], email=record["email"], team=record["team"]))
                session.commit()  # error: SES004
                ok += 1
            except IntegrityError:
                session.rollback()
                log.warning("employee %s rejected", record["id"])
                failed += 1
    return ok, failed
