"""`with SessionLocal.begin() as session:` and no explicit commit: the block commits on exit.

This is the form SES010's fix recommends (DESIGN.md SES010).
"""
from __future__ import annotations

from datetime import datetime, timezone

from audit.db import SessionLocal
from audit.models import AuditEntry, User


def deactivate(user_id: int, actor: str) -> None:
    with SessionLocal.begin() as session:
        user = session.get(User, user_id)
        user.active = False
        session.add(AuditEntry(actor=actor, action="deactivate", target=user_id, at=datetime.now(timezone.utc)))
