"""`except: pass` around a query on a session passed in by the caller.

A bare `except` catches database errors too; the failed statement leaves PostgreSQL's
transaction aborted, and the caller's next statement on that session fails (DESIGN.md
SES002; the parameter outlives the function).
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def set_statement_timeout(session: Session, milliseconds: int) -> None:
    try:
        session.execute(text("SET LOCAL statement_timeout = :ms"), {"ms": milliseconds})
    except:  # error: SES002
        pass


def heavy_report(session: Session, year: int) -> list[tuple[str, int]]:
    set_statement_timeout(session, 30_000)
    rows = session.execute(
        text("SELECT region, sum(amount) FROM sales WHERE extract(year FROM sold_at) = :y GROUP BY region"),
        {"y": year},
    )
    return [(region, int(total)) for region, total in rows]
