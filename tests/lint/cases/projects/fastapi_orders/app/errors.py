"""Error helpers shared by services: both leave the session usable for the caller."""
from __future__ import annotations

import logging
from typing import NoReturn

from fastapi import HTTPException
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

log = logging.getLogger("app.errors")


def handle_db_error(session: Session, exc: SQLAlchemyError) -> NoReturn:
    session.rollback()
    if isinstance(exc, IntegrityError):
        raise HTTPException(status_code=409, detail="conflicting order data") from exc
    log.exception("database failure")
    raise HTTPException(status_code=503, detail="database unavailable") from exc


def rollback_quietly(session: Session) -> None:
    try:
        session.rollback()
    except SQLAlchemyError:
        log.warning("rollback failed; closing the session", exc_info=True)
        session.close()
