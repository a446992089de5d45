"""Ledger helpers used by tasks."""
from __future__ import annotations

from decimal import Decimal

from billing.db import Session
from billing.models import Account, LedgerEntry


def post_entry(account: Account, amount: Decimal, memo: str) -> LedgerEntry:
    entry = LedgerEntry(account=account, amount=amount, memo=memo)
    account.balance += amount
    Session.add(entry)
    Session.flush()
    return entry


def post_refund(account: Account, amount: Decimal, memo: str) -> LedgerEntry:
    entry = post_entry(account, -amount, f"refund: {memo}")
    Session.commit()  # error: SES001
    return entry
