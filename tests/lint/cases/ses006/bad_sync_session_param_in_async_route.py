"""Async FastAPI route receiving a synchronous `Session` from `Depends(get_db)`.

Every query blocks the event loop; under load all requests stall behind one slow query
(DESIGN.md SES006: "a synchronous `Session` used inside `async def`", anchored where the
session enters the coroutine, here its parameter).
"""
from __future__ import annotations

from typing import Iterator

from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.db import SessionLocal
from catalog.models import Product

app = FastAPI()


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session


@app.get("/products")
async def list_products(category: str, db: Session = Depends(get_db)) -> list[dict]:  # error: SES006
    products = db.scalars(select(Product).where(Product.category == category).limit(50)).all()
    return [{"sku": p.sku, "name": p.name} for p in products]
