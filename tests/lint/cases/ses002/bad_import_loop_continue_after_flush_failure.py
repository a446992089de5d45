"""CSV import that skips rows whose flush fails and keeps using the same session.

The session is created once for the whole import; after the first duplicate the session
is in the failed state and every later row and the final commit raise
`PendingRollbackError` (DESIGN.md SES002: used again "in the next loop iteration").
"""
from __future__ import annotations

import csv
import logging

from sqlalchemy.exc import IntegrityError

from crm.db import SessionLocal
from crm.models import Customer

log = logging.getLogger("import-customers")


def import_customers(path: str) -> tuple[int, int]:
    imported = skipped = 0
    with open(path, newline="") as handle, SessionLocal() as session:
        for row in csv.DictReader(handle):
            customer = Customer(email=row["email"].strip().lower(), name=row["name"], country=row["country"])
            try:
                session.add(customer)
                session.flush()
                imported += 1
            except IntegrityError:  # error: SES002
                log.info("skipping duplicate %s", row["email"])
                skipped += 1
                continue
        session.commit()
    return imported, skipped
