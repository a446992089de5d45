"""A background worker: applies stock events from the warehouse feed.

Events can be delivered twice; the unique key on `ProcessedEvent` makes the
second delivery fail, and the worker means to skip it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bookshop.db import SessionLocal
from bookshop.models import Book, ProcessedEvent

logger = logging.getLogger(__name__)

Event = Mapping[str, str]


def apply_event(session: Session, event: Event) -> None:
    session.add(ProcessedEvent(source="warehouse", event_id=event["id"], kind=event["kind"]))
    book = session.scalars(select(Book).where(Book.isbn == event["isbn"])).one()
    book.stock += int(event["delta"])
    session.flush()


def consume(events: Iterable[Event]) -> int:
    """Apply a batch of events in one transaction; duplicates are skipped."""
    applied = 0
    with SessionLocal() as session:
        for event in events:
            try:
                apply_event(session, event)
                applied += 1
            except IntegrityError:
                logger.warning("event %s delivered twice; skipped", event["id"])
        session.commit()
    return applied


def consume_with_savepoints(events: Iterable[Event]) -> int:
    """The same batch, each event in a savepoint: a duplicate rolls back only itself."""
    applied = 0
    with SessionLocal() as session:
        for event in events:
            try:
                with session.begin_nested():
                    apply_event(session, event)
                applied += 1
            except IntegrityError:
                logger.warning("event %s delivered twice; skipped", event["id"])
        session.commit()
    return applied
