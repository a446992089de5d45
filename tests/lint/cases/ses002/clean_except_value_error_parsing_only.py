"""`except ValueError` around parsing; the session is used outside the `try`.

The `try` holds no session work and `ValueError` cannot be a database error
(DESIGN.md SES002 needs "a database error raised by session work in its `try`").
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bookings.models import Booking


def bookings_between(session: Session, start: str, end: str) -> list[Booking]:
    try:
        first = date.fromisoformat(start)
        last = date.fromisoformat(end)
    except ValueError:
        first = last = date.today()
    return list(
        session.scalars(
            select(Booking).where(Booking.day >= first, Booking.day <= last).order_by(Booking.day)
        )
    )
