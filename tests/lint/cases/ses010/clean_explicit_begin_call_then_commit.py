"""`session.begin()` called as a statement (not a `with` block), then `commit()`.

Calling `begin()` without `with` just starts the transaction explicitly; the later
`commit()`/`rollback()` are how that transaction must end. SES010 is only about calls
inside a `with session.begin():` block.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ledger.db import engine
from ledger.models import Entry


def post_pair(debit_account: int, credit_account: int, cents: int) -> None:
    session = Session(engine)
    try:
        session.begin()
        session.add_all(
            [Entry(account_id=debit_account, cents=-cents), Entry(account_id=credit_account, cents=cents)]
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
