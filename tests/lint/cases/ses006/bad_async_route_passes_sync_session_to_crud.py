"""Async route handing its synchronous `Session` to CRUD helpers.

The route never calls a session method itself, but `crud.get_items(db)` runs its
blocking queries right there on the event loop (DESIGN.md SES006: a sync `Session`
used inside `async def`, anchored on the parameter where it enters the coroutine).
"""
from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from shop import crud
from shop.db import get_db

router = APIRouter()


@router.get("/items")
async def read_items(skip: int = 0, limit: int = 100, db: Session = Depends(get_db)) -> list[dict]:  # error: SES006
    return [item.as_dict() for item in crud.get_items(db, skip=skip, limit=limit)]
