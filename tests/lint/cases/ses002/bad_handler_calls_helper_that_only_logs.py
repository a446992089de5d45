"""The `except` delegates to `report_db_error`, which logs but does not roll back.

A helper in the handler only clears the finding when it rolls back, closes or resets the
session (DESIGN.md SES002: "via a helper that does"). This one only reports to Sentry,
and the caller's session is used afterwards.
"""
from __future__ import annotations

import logging

import sentry_sdk
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shipping.models import Parcel, TrackingEvent

log = logging.getLogger(__name__)


def report_db_error(exc: SQLAlchemyError, context: str) -> None:
    sentry_sdk.capture_exception(exc)
    log.error("%s: %s", context, exc)


def record_tracking(session: Session, parcel: Parcel, status: str, location: str) -> None:
    try:
        session.add(TrackingEvent(parcel=parcel, status=status, location=location))
        parcel.last_status = status
        session.flush()
    except SQLAlchemyError as exc:  # error: SES002
        report_db_error(exc, f"tracking update for parcel {parcel.id}")
