"""Celery tasks: each task is the owner of the worker's scoped session."""
from __future__ import annotations

import logging
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from billing.celery_app import app
from billing.db import Session
from billing.ledger import post_entry, post_refund
from billing.models import Account, UsageRecord
from billing.recovery import reset_session

log = logging.getLogger(__name__)


@app.task(bind=True, max_retries=3)
def charge(self, account_external_id: str, amount: str, memo: str) -> str:
    account = Session.scalars(select(Account).where(Account.external_id == account_external_id)).one()
    post_entry(account, Decimal(amount), memo)
    try:
        Session.commit()
    except OperationalError as exc:
        reset_session(f"charge for {account_external_id} failed")
        raise self.retry(exc=exc)
    return "charged"


@app.task
def refund(account_external_id: str, amount: str, memo: str) -> str:
    account = Session.scalars(select(Account).where(Account.external_id == account_external_id)).one()
    post_refund(account, Decimal(amount), memo)
    return "refunded"


@app.task
def sync_usage(account_id: int, period: str, units: int) -> bool:
    try:
        Session.merge(UsageRecord(account_id=account_id, period=period, units=units))
        Session.commit()
    except SQLAlchemyError:  # error: SES002
        log.exception("usage sync failed for account %s", account_id)
        return False
    return True


@app.task
def close_period(period: str) -> int:
    try:
        records = Session.scalars(select(UsageRecord).where(UsageRecord.period == period)).all()
        for record in records:
            record.units = max(record.units, 0)
        Session.commit()
    except SQLAlchemyError:
        reset_session(f"closing {period} failed")
        return 0
    return len(records)
