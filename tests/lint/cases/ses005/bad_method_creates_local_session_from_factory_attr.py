"""Repository method creating a session from `self._factory()` for one read, never closed.

The factory attribute is a `sessionmaker`; the method creates a session it does not
return, store or close (DESIGN.md SES005).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from catalog.models import Category


class CategoryReader:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def names(self) -> list[str]:
        session = self._factory()  # error: SES005
        return list(session.scalars(select(Category.name).order_by(Category.name)))

    def by_slug(self, slug: str) -> Category | None:
        with self._factory() as session:
            return session.scalars(select(Category).where(Category.slug == slug)).first()
