"""Sync `def` FastAPI routes with a sync `Session`: FastAPI runs them in a threadpool.

Only `async def` with a sync session is SES006; a plain `def` route is the documented way
to use a synchronous session with FastAPI.
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
def list_products(category: str, db: Session = Depends(get_db)) -> list[dict]:
    products = db.scalars(select(Product).where(Product.category == category).limit(50)).all()
    return [{"sku": p.sku, "name": p.name} for p in products]


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
