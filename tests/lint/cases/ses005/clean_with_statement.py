"""`with SessionLocal() as session:` closes the session on every path.

DESIGN.md SES005: a `with` block is a close on every path, including exceptions and
early returns inside it.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from profiles.db import SessionLocal
from profiles.models import Profile, User


def public_profile(username: str) -> Optional[dict[str, str]]:
    with SessionLocal() as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            return None
        profile = session.get(Profile, user.id)
        return {"username": user.username, "bio": profile.bio if profile else ""}
