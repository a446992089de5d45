"""`@lru_cache` on a function returning a new session: it becomes a process singleton.

The cache returns the same Session to every caller (DESIGN.md SES007: a singleton
session). Caching the *factory* or the engine is fine; caching a session is not.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.db import SessionLocal
from geo.models import Country


@lru_cache(maxsize=1)
def get_session() -> Session:
    return SessionLocal()  # error: SES007


def country_name(code: str) -> str | None:
    return get_session().scalar(select(Country.name).where(Country.code == code))


def countries_in(region: str) -> list[str]:
    return list(get_session().scalars(select(Country.code).where(Country.region == region)))
