"""Async route passing its synchronous `Session` only to `run_in_threadpool`.

The blocking work runs in a worker thread, not on the event loop (DESIGN.md SES006 is
about sync sessions *used* inside the coroutine).
"""
from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from shop import crud
from shop.db import get_db

router = APIRouter()


@router.get("/items")
async def read_items(db: Session = Depends(get_db)) -> list[dict]:
    items = await run_in_threadpool(crud.get_items, db)
    return [item.as_dict() for item in items]
