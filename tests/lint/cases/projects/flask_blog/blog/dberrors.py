"""Error handling helpers for views."""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from blog import db

log = logging.getLogger(__name__)


def rollback_and_log(exc: SQLAlchemyError) -> None:
    db.session.rollback()
    log.warning("database error rolled back: %s", exc)
