"""Repository with a class attribute `session = SessionLocal()` shared by all instances.

The class body runs once at import: every repository instance, in every thread, uses the
same Session (DESIGN.md SES007).
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from accounts.db import SessionLocal
from accounts.models import User


class UserRepository:
    session = SessionLocal()  # error: SES007

    def get(self, user_id: int) -> Optional[User]:
        return self.session.get(User, user_id)

    def by_email(self, email: str) -> Optional[User]:
        return self.session.scalars(select(User).where(User.email == email.lower())).first()

    def add(self, user: User) -> None:
        self.session.add(user)
        self.session.flush()
