"""`with closing(SessionLocal()) as session:` guarantees `close()`.

Issue 3, SES005: a session passed to `closing()` is closed on every path.
"""
from __future__ import annotations

from contextlib import closing

from sqlalchemy import select

from library.db import SessionLocal
from library.models import Loan


def overdue_member_ids() -> list[int]:
    with closing(SessionLocal()) as session:
        loans = session.scalars(select(Loan).where(Loan.overdue.is_(True))).all()
        return sorted({loan.member_id for loan in loans})
