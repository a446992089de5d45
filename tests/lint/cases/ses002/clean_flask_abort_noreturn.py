"""Flask view calls `abort(409)` in the `except IntegrityError` handler.

`flask.abort` always raises an `HTTPException` (it is typed `NoReturn`), so the handler
does not fall through; Flask-SQLAlchemy removes the session at teardown (issue 2: "a call
to a function that always raises").
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Device

bp = Blueprint("devices", __name__, url_prefix="/api/devices")


@bp.post("")
def register_device():
    payload = request.get_json(force=True)
    device = Device(serial=payload["serial"], model=payload.get("model", "unknown"))
    db.session.add(device)
    try:
        db.session.commit()
    except IntegrityError:
        abort(409, description=f"device {payload['serial']} is already registered")
    return jsonify(id=device.id, serial=device.serial), 201
