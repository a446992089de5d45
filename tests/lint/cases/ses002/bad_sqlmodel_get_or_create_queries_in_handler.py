"""Get-or-create that re-queries in the `except IntegrityError` without rolling back.

The classic race-safe get-or-create, minus the rollback: the SELECT in the handler runs
on the failed session and raises `PendingRollbackError` (DESIGN.md SES002: used again,
in the handler itself). The fix is a savepoint or a rollback.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select


class Tag(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)


def get_or_create_tag(session: Session, name: str) -> Tag:
    existing = session.exec(select(Tag).where(Tag.name == name)).first()
    if existing is not None:
        return existing
    tag = Tag(name=name)
    session.add(tag)
    try:
        session.flush()
    except IntegrityError:  # error: SES002
        return session.exec(select(Tag).where(Tag.name == name)).one()
    return tag
