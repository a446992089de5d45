"""Handler translates `IntegrityError` into a domain error with `raise ... from exc`.

`raise X from e` is a re-raise in the sense of DESIGN.md SES002: control leaves the
function and the owner's error path rolls the session back.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts.models import User


class EmailAlreadyRegistered(Exception):
    def __init__(self, email: str) -> None:
        super().__init__(f"{email} is already registered")
        self.email = email


def register(session: Session, email: str, password_hash: str) -> User:
    user = User(email=email.lower(), password_hash=password_hash)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        raise EmailAlreadyRegistered(email) from exc
    return user
