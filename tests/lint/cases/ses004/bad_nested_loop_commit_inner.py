"""Nested loops (warehouses x SKUs) committing in the inner loop.

One stock-take becomes hundreds of transactions; the session is created before both
loops (DESIGN.md SES004).
"""
from __future__ import annotations

from sqlalchemy import select

from stock.db import SessionLocal
from stock.models import StockLevel, Warehouse
from stock.scanner import counted_quantity


def stock_take(warehouse_codes: list[str]) -> int:
    updated = 0
    with SessionLocal() as session:
        warehouses = session.scalars(select(Warehouse).where(Warehouse.code.in_(warehouse_codes))).all()
        for warehouse in warehouses:
            for level in warehouse.stock_levels:
                level.quantity = counted_quantity(warehouse.code, level.sku)
                updated += 1
                session.commit()  # error: SES004
    return updated


def reset_counts(session_levels: list[StockLevel]) -> None:
    for level in session_levels:
        level.quantity = 0
