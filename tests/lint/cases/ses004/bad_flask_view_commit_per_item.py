"""Flask bulk-edit view committing `db.session` once per submitted item.

The view owns the session (no SES001), but splits one form submission into many
transactions: a validation error on item 7 leaves items 1-6 saved (DESIGN.md SES004).
"""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from app.extensions import db
from app.models import MenuItem

bp = Blueprint("menu", __name__)


@bp.post("/menu/bulk-update")
def bulk_update():
    for item_id, price in zip(request.form.getlist("id"), request.form.getlist("price")):
        item = db.get_or_404(MenuItem, int(item_id))
        item.price_cents = int(round(float(price) * 100))
        db.session.commit()  # error: SES004
    return redirect(url_for("menu.index"))
