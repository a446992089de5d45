"""`@lru_cache` on the engine and the session factory (not on a session).

Caching the engine/factory is the recommended pattern; sessions are created per call
(DESIGN.md SES007: factories are fine).
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from config import get_settings
from geo.models import Country


@lru_cache
def get_engine() -> Engine:
    return create_engine(get_settings().database_url, pool_pre_ping=True)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


def country_codes() -> list[str]:
    with get_sessionmaker()() as session:
        return list(session.scalars(select(Country.code).order_by(Country.code)))
