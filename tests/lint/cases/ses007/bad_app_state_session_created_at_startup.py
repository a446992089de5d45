"""Startup hook storing one session on `app.state`, used by every request.

A singleton created at startup is shared by all concurrent requests exactly like a
module-level session (DESIGN.md SES007: "a lazily created global/singleton").
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from sqlalchemy import select

from catalog.db import SessionLocal
from catalog.models import Product

app = FastAPI()


@app.on_event("startup")
def open_session() -> None:
    app.state.db = SessionLocal()  # error: SES007


@app.on_event("shutdown")
def close_session() -> None:
    app.state.db.close()


@app.get("/products/{sku}")
def product(sku: str, request: Request) -> dict[str, str]:
    item = request.app.state.db.scalars(select(Product).where(Product.sku == sku)).one()
    return {"sku": item.sku, "name": item.name}
