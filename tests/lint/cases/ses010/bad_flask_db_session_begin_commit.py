"""Flask-SQLAlchemy: `with db.session.begin():` in a view, then `db.session.commit()`.

`db.session.begin()` is the same `Session.begin()` context manager; the explicit commit
inside it is SES010. The view owns `db.session`, so there is no SES001.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Cart, CartItem

bp = Blueprint("cart", __name__)


@bp.post("/cart/<int:cart_id>/items")
def add_item(cart_id: int):
    with db.session.begin():
        cart = db.session.get(Cart, cart_id)
        cart.items.append(CartItem(sku=request.json["sku"], quantity=request.json.get("quantity", 1)))
        db.session.commit()  # error: SES010
        cart.item_count = len(cart.items)
    return jsonify(items=cart.item_count)
