"""`from sqlalchemy import exc` then `except exc.SQLAlchemyError:` on a Flask `db.session`.

The module-attribute spelling must resolve like a direct import; the scoped session is
used again right after the handler (DESIGN.md SES002).
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from sqlalchemy import exc

from app.extensions import db
from app.models import Preference

bp = Blueprint("preferences", __name__, url_prefix="/api/preferences")


@bp.put("/<key>")
def set_preference(key: str):
    preference = db.session.get(Preference, key) or Preference(key=key)
    preference.value = request.json["value"]
    db.session.add(preference)
    try:
        db.session.flush()
    except exc.SQLAlchemyError:  # error: SES002
        pass
    count = db.session.query(Preference).count()
    db.session.commit()
    return jsonify(key=key, total=count)
