"""Handler calls a local helper that always raises (annotated `NoReturn`).

`_conflict()` never returns, so the handler cannot fall through with a failed session
(DESIGN.md SES002 / issue 2: "a call to a function that always raises").
"""
from __future__ import annotations

from typing import NoReturn

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.errors import ApiError
from events.models import Registration


def _conflict(message: str) -> NoReturn:
    raise ApiError(status=409, code="conflict", message=message)


def register_attendee(session: Session, event_id: int, attendee_id: int) -> Registration:
    registration = Registration(event_id=event_id, attendee_id=attendee_id)
    session.add(registration)
    try:
        session.flush()
    except IntegrityError:
        _conflict(f"attendee {attendee_id} is already registered for event {event_id}")
    return registration
