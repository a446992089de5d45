"""`except IntegrityError: session.rollback()` inside a `begin()` block, then carry on.

The rollback closes the block's transaction; the fallback write in the same block fails
(DESIGN.md SES010). A `begin_nested()` savepoint is the right tool here. The handler
rolls back, so it is not SES002.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from links.db import SessionLocal
from links.models import ShortLink
from links.slugs import random_slug


def shorten(url: str, wanted_slug: str) -> str:
    with SessionLocal.begin() as session:
        link = ShortLink(slug=wanted_slug, target=url)
        session.add(link)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()  # error: SES010
            link = ShortLink(slug=random_slug(), target=url)
            session.add(link)
        return link.slug
