"""Service loop committing a session it received: both SES001 and SES004.

The session is a parameter (not owned, SES001) and was created outside the loop (SES004);
the same `commit` line carries both findings.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from tickets.models import Ticket


def close_stale_tickets(session: Session, tickets: list[Ticket], reason: str) -> int:
    now = datetime.now(timezone.utc)
    for ticket in tickets:
        ticket.status = "closed"
        ticket.closed_at = now
        ticket.resolution = reason
        session.commit()  # error: SES001, SES004
    return len(tickets)
