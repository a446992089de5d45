"""Handler re-raises only some errors; unique violations fall through without rollback.

Not every path through the handler raises: for a unique violation it returns, leaving the
caller's session failed (DESIGN.md SES002: neither rolls back nor re-raises on that path).
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from devices.models import Device

UNIQUE_VIOLATION = "23505"


def register(session: Session, serial: str, owner_id: int) -> Optional[Device]:
    device = Device(serial=serial, owner_id=owner_id)
    session.add(device)
    try:
        session.flush()
    except IntegrityError as exc:  # error: SES002
        if getattr(exc.orig, "sqlstate", None) != UNIQUE_VIOLATION:
            raise
        return None
    return device
