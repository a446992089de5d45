"""`close()` at the bottom, but an early `return` skips it.

When the user does not exist the function returns before reaching `close()`
(DESIGN.md SES005: not closed on every path).
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from profiles.db import SessionLocal
from profiles.models import Profile, User


def public_profile(username: str) -> Optional[dict[str, str]]:
    session = SessionLocal()  # error: SES005
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        return None
    profile = session.get(Profile, user.id)
    result = {"username": user.username, "bio": profile.bio if profile else ""}
    session.close()
    return result
