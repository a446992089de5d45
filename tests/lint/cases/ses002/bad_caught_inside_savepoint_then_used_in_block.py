"""`IntegrityError` caught *inside* a `begin_nested()` block, then the session is used in it.

Inside the block the savepoint is failed: the query in the handler raises
"Can't operate on closed transaction inside context manager" (reference/semantics.md §5
scenario D). Catching outside the block, or `sp.rollback()`, is the fix (DESIGN.md SES002).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tags.models import Tag


def ensure_tag(session: Session, name: str) -> Tag:
    with session.begin_nested():
        tag = Tag(name=name)
        session.add(tag)
        try:
            session.flush()
        except IntegrityError:  # error: SES002
            tag = session.scalars(select(Tag).where(Tag.name == name)).one()
    return tag
