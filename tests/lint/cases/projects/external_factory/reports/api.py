"""Report endpoints; `get_db` comes from `app.db` (not in this tree)."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_db
from reports.queries import revenue_by_day, save_snapshot

router = APIRouter(prefix="/reports")


@router.get("/revenue")
def revenue(start: date, end: date, db: Session = Depends(get_db)) -> list[dict]:
    return [{"day": d.isoformat(), "cents": v} for d, v in revenue_by_day(db, start, end)]


@router.post("/revenue/snapshot")
def snapshot(start: date, end: date, name: str, db: Session = Depends(get_db)) -> dict:
    rows = revenue_by_day(db, start, end)
    snap = save_snapshot(db, name, rows)
    return {"id": snap.id, "rows": len(rows)}
