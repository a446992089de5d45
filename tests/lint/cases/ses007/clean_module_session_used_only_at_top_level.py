"""One-off data-fix script: a module-level session used only by top-level statements.

No function uses the session, so nothing can share it between requests, threads or tasks
(DESIGN.md SES007: "created at module level ... and used from functions").
"""
from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from shop.models import Order

engine = create_engine("postgresql+psycopg://ops@localhost/shop")

with Session(engine) as session:
    stuck = session.scalars(select(Order).where(Order.status == "paying", Order.payment_ref.is_not(None))).all()
    for order in stuck:
        order.status = "paid"
    session.commit()
    print(f"fixed {len(stuck)} orders")
