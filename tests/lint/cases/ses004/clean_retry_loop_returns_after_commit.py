"""Serialization-failure retry loop that redoes the work and returns after commit.

The loop leaves right after a successful commit; on failure it rolls back and runs the
whole unit again (DESIGN.md SES004: "a retry loop that leaves after a successful commit"
is fine).
"""
from __future__ import annotations

import random
import time

from sqlalchemy.exc import OperationalError

from seats.db import SessionLocal
from seats.models import Seat


class SeatUnavailable(Exception):
    pass


def book_seat(seat_id: int, customer_id: int, attempts: int = 5) -> None:
    with SessionLocal() as session:
        for attempt in range(attempts):
            seat = session.get(Seat, seat_id, with_for_update=True)
            if seat.customer_id is not None:
                raise SeatUnavailable(seat_id)
            seat.customer_id = customer_id
            try:
                session.commit()
                return
            except OperationalError:
                session.rollback()
                time.sleep((2**attempt) * 0.05 + random.random() * 0.05)
        raise SeatUnavailable(seat_id)
