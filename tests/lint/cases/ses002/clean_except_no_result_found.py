"""`scalar_one()` raising `NoResultFound`, caught and turned into `None`.

`NoResultFound` is raised by the result object, not the database: the session and the
transaction are untouched, so no rollback is needed (DESIGN.md: handlers that cannot
catch database errors, e.g. `except NoResultFound`).
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from auth.models import ApiToken, User


def user_for_token(session: Session, token_digest: str) -> Optional[User]:
    try:
        token = session.execute(
            select(ApiToken).where(ApiToken.digest == token_digest, ApiToken.revoked.is_(False))
        ).scalar_one()
    except NoResultFound:
        return None
    token.use_count += 1
    return token.user
