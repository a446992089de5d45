"""FastAPI tutorial-style CRUD module: every helper commits the session it is given.

`create_user` and `deactivate_user` receive `db: Session` from the route, so the route's
dependency owns the unit of work. Committing here splits one request into several
transactions (DESIGN.md, SES001: commit on a session received as a parameter).
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models, schemas
from .security import hash_password


def get_user_by_email(db: Session, email: str) -> Optional[models.User]:
    return db.scalars(select(models.User).where(models.User.email == email)).first()


def create_user(db: Session, user: schemas.UserCreate) -> models.User:
    db_user = models.User(
        email=user.email,
        hashed_password=hash_password(user.password),
        full_name=user.full_name,
    )
    db.add(db_user)
    db.commit()  # error: SES001
    db.refresh(db_user)
    return db_user


def deactivate_user(db: Session, user_id: int) -> Optional[models.User]:
    user = db.get(models.User, user_id)
    if user is None:
        return None
    user.is_active = False
    for token in user.api_tokens:
        token.revoked = True
    db.commit()  # error: SES001
    return user
