"""`with SessionLocal.begin() as session:` inside the loop: per-iteration transactions, no
explicit commit call.

Each iteration's block commits on exit; there is no `commit()` call and the session is
created per iteration (DESIGN.md SES004).
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from accounts.db import SessionLocal
from accounts.models import Account
from accounts.scoring import risk_score

log = logging.getLogger(__name__)


def rescore(account_ids: list[int]) -> None:
    for account_id in account_ids:
        with SessionLocal.begin() as session:
            account = session.scalars(select(Account).where(Account.id == account_id).with_for_update()).one()
            account.risk = risk_score(account)
        log.debug("rescored account %s", account_id)
