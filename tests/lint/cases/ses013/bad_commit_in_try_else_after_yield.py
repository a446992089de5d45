"""Commit in the `else:` branch of a `try` around `yield`: still after the `yield`.

The `else` runs when the request handler did not raise, which is after the response has
been sent with the default scope (DESIGN.md SES013).
"""
from __future__ import annotations

from typing import Iterator

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from inventory.db import SessionLocal
from inventory.models import Item

router = APIRouter()


def get_db() -> Iterator[Session]:
    session = SessionLocal()
    try:
        yield session
    except Exception:
        session.rollback()
        raise
    else:
        session.commit()  # error: SES013
    finally:
        session.close()


@router.post("/items/{sku}/restock")
def restock(sku: str, quantity: int, db: Session = Depends(get_db)) -> dict[str, int]:
    item = db.get(Item, sku)
    item.quantity += quantity
    return {"quantity": item.quantity}
