"""Class attribute holding a `sessionmaker` (a factory), sessions created per call.

A factory shared by instances is fine; only a shared Session instance is SES007.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from accounts.models import User


class UserRepository:
    sessions = sessionmaker(bind=create_engine("postgresql+psycopg://accounts@localhost/accounts"))

    def by_email(self, email: str) -> Optional[User]:
        with self.sessions() as session:
            return session.scalars(select(User).where(User.email == email.lower())).first()

    def count(self) -> int:
        from sqlalchemy import func

        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(User))
