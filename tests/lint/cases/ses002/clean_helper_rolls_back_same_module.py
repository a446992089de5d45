"""The handler calls `_discard_failed_work(session, ...)`, which rolls the session back.

A project helper that rolls back the session it is given clears the handler (DESIGN.md
SES002: "via a helper that does").
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sync.models import RemoteObject, SyncCursor

log = logging.getLogger(__name__)


def _discard_failed_work(session: Session, reason: str) -> None:
    session.rollback()
    log.warning("discarded sync batch: %s", reason)


def apply_remote_changes(session: Session, cursor: SyncCursor, changes: list[dict]) -> int:
    try:
        for change in changes:
            session.merge(RemoteObject(remote_id=change["id"], kind=change["kind"], payload=change))
        cursor.position = changes[-1]["seq"] if changes else cursor.position
        session.flush()
    except DBAPIError as exc:
        _discard_failed_work(session, str(exc.orig))
        return 0
    return len(changes)
