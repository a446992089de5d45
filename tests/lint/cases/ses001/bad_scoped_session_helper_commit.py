"""Module-level `scoped_session` committed from a plain helper function.

`db_session` is the registry every request uses; `tag_article` is called from views
that do their own commit. A helper committing a module-level scoped session is SES001
(DESIGN.md: "a module-level/scoped session used inside a helper").
"""
from __future__ import annotations

import os

from sqlalchemy import create_engine, select
from sqlalchemy.orm import scoped_session, sessionmaker

from cms.models import Article, Tag

engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
db_session = scoped_session(sessionmaker(bind=engine))


def get_or_create_tag(name: str) -> Tag:
    tag = db_session.scalars(select(Tag).where(Tag.name == name)).first()
    if tag is None:
        tag = Tag(name=name)
        db_session.add(tag)
    return tag


def tag_article(article: Article, names: list[str]) -> None:
    article.tags = [get_or_create_tag(name.strip().lower()) for name in names if name.strip()]
    db_session.commit()  # error: SES001


def shutdown_session(exception: BaseException | None = None) -> None:
    db_session.remove()
