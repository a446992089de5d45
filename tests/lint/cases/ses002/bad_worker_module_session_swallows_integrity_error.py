"""Seed 000: a worker catches a flush failure on a long-lived session and carries on.

`record_event` swallows the `IntegrityError` without `rollback()`; the module-level session
is used by every later call, which then fails with `PendingRollbackError` (DESIGN.md
SES002, anchor: the `except` line). The module-level instance is also SES007.
"""
from __future__ import annotations

import logging

from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import declarative_base, sessionmaker

log = logging.getLogger("audit-worker")
Base = declarative_base()


class AuditLog(Base):
    __tablename__ = "audit_logs"
    id = Column(Integer, primary_key=True)
    event = Column(String, unique=True)


engine = create_engine("postgresql+psycopg://audit@localhost/audit")
Base.metadata.create_all(engine)
Session = sessionmaker(bind=engine)
session = Session()  # error: SES007


def record_event(name: str) -> bool:
    try:
        session.add(AuditLog(event=name))
        session.commit()  # error: SES001
    except IntegrityError as exc:  # error: SES002
        log.warning("event %s not recorded: %s", name, exc)
        return False
    return True


def handle(batch: list[str]) -> int:
    return sum(record_event(name) for name in batch)
