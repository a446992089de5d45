"""Helper opens a session to run one query and never closes it.

The session holds a pooled connection until garbage collection; under load the pool runs
dry (`QueuePool limit ... reached`). Anchor: the line creating the session (DESIGN.md
SES005).
"""
from __future__ import annotations

from sqlalchemy import func, select

from dashboard.db import SessionLocal
from dashboard.models import Signup


def signups_today() -> int:
    session = SessionLocal()  # error: SES005
    return session.scalar(select(func.count()).select_from(Signup).where(Signup.created_at >= func.current_date()))


def dashboard_numbers() -> dict[str, int]:
    return {"signups_today": signups_today()}
