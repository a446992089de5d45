"""`db.session.rollback` written without parentheses: the rollback never happens.

The attribute access is a no-op, so the handler neither rolls back nor re-raises and the
scoped session stays failed (DESIGN.md SES002). A real-world typo that code review misses.
"""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Webhook

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__, url_prefix="/api/webhooks")


@bp.post("")
def register_webhook():
    hook = Webhook(url=request.json["url"], event=request.json["event"])
    db.session.add(hook)
    try:
        db.session.commit()
    except IntegrityError:  # error: SES002
        log.info("webhook %s already registered", hook.url)
        db.session.rollback
        return jsonify(error="already registered"), 409
    return jsonify(id=hook.id), 201
