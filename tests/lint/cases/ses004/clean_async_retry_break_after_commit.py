"""Async deadlock retry: the loop `break`s right after a successful `await commit()`.

The function creates the session, redoes the work on each attempt and leaves the loop
right after a successful commit (DESIGN.md SES004: a retry loop that leaves after a
successful commit is fine); the handler rolls back, so SES002 is satisfied too.
"""
from __future__ import annotations

import asyncio

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from wallets.models import Wallet

engine = create_async_engine("postgresql+asyncpg://wallets@localhost/wallets")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def credit(wallet_id: int, cents: int, attempts: int = 4) -> None:
    async with async_session() as session:
        for attempt in range(attempts):
            wallet = await session.get(Wallet, wallet_id, with_for_update=True)
            wallet.balance_cents += cents
            try:
                await session.commit()
                break
            except DBAPIError:
                await session.rollback()
                await asyncio.sleep(0.05 * (attempt + 1))
        else:
            raise RuntimeError(f"could not credit wallet {wallet_id}")
