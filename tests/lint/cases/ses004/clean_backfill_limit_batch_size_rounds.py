"""Async backfill script updating `LIMIT :batch_size` rows per round, committing each round.

Each round is a bounded batch by design (short transactions, resumable backfill), like a
batch-size checkpoint (DESIGN.md "Overlaps and edge decisions"). Shape taken from a real
project's maintenance scripts.
"""
from __future__ import annotations

from sqlalchemy import text

from billing.db import async_session


async def backfill_currency(batch_size: int = 5_000, max_rounds: int = 10_000) -> int:
    updated = 0
    async with async_session() as session:
        for _ in range(max_rounds):
            result = await session.execute(
                text(
                    "UPDATE invoices SET currency = 'usd' WHERE id IN "
                    "(SELECT id FROM invoices WHERE currency IS NULL LIMIT :batch_size)"
                ),
                {"batch_size": batch_size},
            )
            await session.commit()
            if result.rowcount == 0:
                break
            updated += result.rowcount
    return updated
