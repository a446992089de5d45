"""Dependency that only rolls back (on error) and closes after `yield`.

Routes commit themselves before returning; a rollback after the response loses nothing
that was reported as saved (SES013 is about `commit()` after `yield`).
"""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from tickets.db import SessionLocal
from tickets.models import Ticket

app = FastAPI()


def get_db() -> Iterator[Session]:
    session = SessionLocal()
    try:
        yield session
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


Db = Annotated[Session, Depends(get_db)]


@app.post("/tickets")
def open_ticket(title: str, db: Db) -> dict[str, int]:
    ticket = Ticket(title=title)
    db.add(ticket)
    db.commit()
    return {"id": ticket.id}
