"""`session = sessionmaker(bind=engine)()` at import time, used by helpers.

Calling the factory at module level creates one instance shared by every caller
(DESIGN.md "What counts as a session": `sessionmaker(...)()`; SES007).
"""
from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from shortener.models import Link

engine = create_engine("postgresql+psycopg://short@localhost/short")
session = sessionmaker(bind=engine)()  # error: SES007


def resolve(slug: str) -> str | None:
    link = session.scalars(select(Link).where(Link.slug == slug)).first()
    if link is None:
        return None
    link.hits += 1
    session.flush()
    return link.target
