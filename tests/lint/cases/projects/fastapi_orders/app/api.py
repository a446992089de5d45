"""Routes: `get_db` (in app.db) does not commit, so each route owns its commit."""
from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import Customer, Order
from app.services import orders

router = APIRouter(prefix="/orders")


@router.post("", status_code=201)
def place_order(customer_id: int, total: Decimal, coupon: str = "", db: Session = Depends(get_db)) -> dict:
    customer = db.get(Customer, customer_id)
    if customer is None:
        raise HTTPException(status_code=404, detail="unknown customer")
    order = orders.create_order(db, customer, total)
    if coupon and not orders.apply_coupon(db, order, coupon):
        raise HTTPException(status_code=409, detail="coupon already used")
    db.commit()
    return {"reference": order.reference}


@router.post("/{order_id}/cancel")
def cancel(order_id: int, db: Session = Depends(get_db)) -> dict:
    order = db.get(Order, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="unknown order")
    orders.cancel_order(db, order)
    return {"status": order.status}
