"""Service receiving a session that flushes to get ids and run checks, never commits.

`flush()` sends pending changes inside the caller's transaction (seed 004: "session.flush()
is probably what you want"); only `commit()` is in SES001's scope.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.models import Account, Entry


class InsufficientFunds(Exception):
    pass


def transfer(session: Session, source: Account, target: Account, amount: Decimal) -> int:
    session.add_all([Entry(account=source, amount=-amount), Entry(account=target, amount=amount)])
    session.flush()
    balance = session.execute(
        select(func.coalesce(func.sum(Entry.amount), 0)).where(Entry.account_id == source.id)
    ).scalar_one()
    if balance < 0 and not source.overdraft_allowed:
        raise InsufficientFunds(f"account {source.number} would go to {balance}")
    source.balance = balance
    session.refresh(target)
    return source.id
