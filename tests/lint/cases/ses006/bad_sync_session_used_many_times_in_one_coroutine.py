"""An `async def` handler using a sync `Session` parameter several times: one finding.

Issue 3, SES006: "one finding per coroutine, at the line where the session enters it",
here the parameter line (kept on the `def` line), not at each of the later uses.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.db import get_db
from dashboard.models import Order, Signup, Ticket

router = APIRouter()


@router.get("/dashboard")
async def dashboard(db: Session = Depends(get_db)) -> dict[str, int]:  # error: SES006
    orders = db.scalar(select(func.count()).select_from(Order))
    signups = db.scalar(select(func.count()).select_from(Signup))
    open_tickets = db.scalar(select(func.count()).select_from(Ticket).where(Ticket.open.is_(True)))
    return {"orders": orders, "signups": signups, "open_tickets": open_tickets}
