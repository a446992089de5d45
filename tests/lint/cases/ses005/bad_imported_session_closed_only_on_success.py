"""`Session()` imported from the project's models module, closed at the end only.

Whether `models.Session` is a `sessionmaker` or a scoped registry is not visible here,
but the function closes the session itself, so it treats it as its own: an exception
before the `close()` leaks it (issue 3, SES005: "`close()` only on the success path is a
finding").
"""
from __future__ import annotations

from models import Session, Ticket


def close_ticket(ticket_id: int, resolution: str) -> None:
    session = Session()  # error: SES005
    ticket = session.get(Ticket, ticket_id)
    ticket.resolution = resolution
    ticket.closed = True
    session.commit()
    session.close()
