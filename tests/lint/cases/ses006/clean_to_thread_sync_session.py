"""Async endpoint offloading a sync-session report to a thread with `asyncio.to_thread`.

The synchronous session is created and used only inside the plain `def` that runs in a
worker thread, never inside the coroutine itself (DESIGN.md SES006).
"""
from __future__ import annotations

import asyncio

from fastapi import FastAPI
from sqlalchemy import func, select

from reports.db import SessionLocal
from reports.models import Sale

app = FastAPI()


def _yearly_totals(year: int) -> dict[str, int]:
    with SessionLocal() as session:
        rows = session.execute(
            select(Sale.region, func.sum(Sale.amount_cents)).where(Sale.year == year).group_by(Sale.region)
        ).all()
    return {region: int(total) for region, total in rows}


@app.get("/reports/{year}")
async def yearly_report(year: int) -> dict[str, int]:
    return await asyncio.to_thread(_yearly_totals, year)
