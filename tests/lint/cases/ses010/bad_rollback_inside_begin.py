"""`session.rollback()` inside `with session.begin():` to "cancel", then more work.

The rollback ends the block's transaction, so recording the refused withdrawal in the same
block raises "Can't operate on closed transaction inside context manager"
(reference/semantics.md §4; DESIGN.md SES010 covers `rollback()` too). Raising an
exception is the way to cancel a `begin()` block.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from banking.db import engine
from banking.models import Account, RefusedWithdrawal


def withdraw(account_id: int, cents: int) -> bool:
    with Session(engine) as session:
        with session.begin():
            account = session.get(Account, account_id, with_for_update=True)
            account.balance_cents -= cents
            accepted = account.balance_cents >= 0
            if not accepted:
                session.rollback()  # error: SES010
                session.add(RefusedWithdrawal(account_id=account_id, cents=cents))
        return accepted
