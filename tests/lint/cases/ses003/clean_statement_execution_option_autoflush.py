"""Per-statement `execution_options(autoflush=False)` on one ORM query.

The option applies to that one statement only, like a `no_autoflush` block (2.0 ORM
execution option); the session's setting is unchanged, so nothing lasting is disabled.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.models import Account


def peek_balance(session: Session, account_id: int) -> int:
    stmt = select(Account.balance_cents).where(Account.id == account_id).execution_options(autoflush=False)
    return session.execute(stmt).scalar_one()
