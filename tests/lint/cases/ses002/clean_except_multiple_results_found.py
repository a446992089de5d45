"""`one()` raising `MultipleResultsFound`, handled by picking the newest row.

`MultipleResultsFound` comes from the fetched result, not from the database, and does not
affect the transaction, so using the session in the handler is fine (issue 2: it "cannot
catch a database failure").
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import MultipleResultsFound

from crm.models import Contact

log = logging.getLogger(__name__)


def contact_by_phone(session: Session, phone: str) -> Contact:
    stmt = select(Contact).where(Contact.phone == phone)
    try:
        return session.scalars(stmt).one()
    except MultipleResultsFound:
        log.warning("several contacts share %s, using the most recent", phone)
        return session.scalars(stmt.order_by(Contact.created_at.desc())).first()
