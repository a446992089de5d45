"""`SessionLocal().query(...)` creates a session inline and drops the only reference.

The temporary session is never closed; its connection is returned only when the garbage
collector gets to it (DESIGN.md SES005, anchor: the line creating the session).
"""
from __future__ import annotations

from typing import Optional

from cms.db import SessionLocal
from cms.models import Redirect


def redirect_target(path: str) -> Optional[str]:
    rule = SessionLocal().query(Redirect).filter_by(source=path, active=True).first()  # error: SES005
    return rule.target if rule else None
