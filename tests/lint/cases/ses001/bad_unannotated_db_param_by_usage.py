"""Unannotated `db` parameter used as a session, in a module that imports `get_db`.

The project's `app.db` is not in the checked tree; the module imports `get_db` from it and
the helpers call `db.query(...)`, `db.add(...)`: by convention and usage `db` is a session
received from the caller (DESIGN.md SES001; issue 2: sessions whose factory lives
elsewhere are recognised by convention and usage).
"""
from __future__ import annotations

from fastapi import APIRouter, Depends

from app.db import get_db
from app.models import Subscription, Webhook

router = APIRouter(prefix="/webhooks")


def register_webhook(db, subscription_id, url, secret):
    subscription = db.query(Subscription).filter_by(id=subscription_id).one()
    hook = Webhook(subscription=subscription, url=url, secret=secret, active=True)
    db.add(hook)
    db.commit()  # error: SES001
    return hook


def disable_webhook(db, hook_id):
    hook = db.query(Webhook).get(hook_id)
    if hook is not None:
        hook.active = False
        db.commit()  # error: SES001
    return hook


@router.get("/{hook_id}")
def read_webhook(hook_id: int, db=Depends(get_db)):
    hook = db.query(Webhook).get(hook_id)
    return {"id": hook.id, "url": hook.url, "active": hook.active}
