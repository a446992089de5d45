"""`except psycopg.errors.UniqueViolation` around ORM work: it can never match.

SQLAlchemy always wraps DBAPI errors raised by session work in its own classes
(`sqlalchemy.exc.IntegrityError`, with the driver error in `.orig`), so a handler for the
raw driver class never runs for a session failure; the `IntegrityError` propagates to the
caller untouched (issue 2: which exceptions a handler can catch). The handler exists for
the raw `COPY` path below, which uses the driver connection directly.
"""
from __future__ import annotations

import io
import logging

import psycopg
from sqlalchemy.orm import Session

from imports.models import Contact

log = logging.getLogger(__name__)


def add_contact(session: Session, email: str) -> Contact:
    contact = Contact(email=email.lower())
    session.add(contact)
    try:
        session.flush()
    except psycopg.errors.UniqueViolation:
        log.error("unreachable for ORM flushes: SQLAlchemy raises IntegrityError")
        raise
    return contact


def copy_contacts(raw: psycopg.Connection, emails: list[str]) -> int:
    buffer = io.StringIO("".join(f"{email.lower()}\n" for email in emails))
    try:
        with raw.cursor() as cursor, cursor.copy("COPY contacts (email) FROM STDIN") as copy:
            copy.write(buffer.read())
    except psycopg.errors.UniqueViolation:
        raw.rollback()
        return 0
    raw.commit()
    return len(emails)
