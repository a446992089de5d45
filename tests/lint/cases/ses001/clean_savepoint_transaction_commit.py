"""Helper releasing a savepoint with `nested.commit()` on a session it was given.

`nested = session.begin_nested()` returns a `SessionTransaction` for a SAVEPOINT;
`nested.commit()` releases the savepoint inside the caller's transaction and is not a
session commit (the session is never committed here, so SES001 does not apply).
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.models import Contact

log = logging.getLogger(__name__)


def add_contacts(session: Session, rows: list[dict[str, str]]) -> list[str]:
    rejected: list[str] = []
    for row in rows:
        nested = session.begin_nested()
        try:
            session.add(Contact(email=row["email"].lower(), name=row.get("name", "")))
            session.flush()
        except IntegrityError:
            nested.rollback()
            rejected.append(row["email"])
            log.info("duplicate contact %s skipped", row["email"])
        else:
            nested.commit()
    return rejected
