"""`with SessionLocal.begin() as session:` followed by an explicit `session.commit()`.

`sessionmaker.begin()` already commits on exit; the explicit commit ends the transaction
early and any later statement in the block fails with "Can't operate on closed transaction
inside context manager" (reference/semantics.md §4; DESIGN.md SES010).
"""
from __future__ import annotations

from datetime import datetime, timezone

from audit.db import SessionLocal
from audit.models import AuditEntry, User


def deactivate(user_id: int, actor: str) -> None:
    with SessionLocal.begin() as session:
        user = session.get(User, user_id)
        user.active = False
        session.commit()  # error: SES010
        session.add(AuditEntry(actor=actor, action="deactivate", target=user_id, at=datetime.now(timezone.utc)))
