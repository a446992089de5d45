"""Module-level `sessionmaker` (a factory) and a session per call.

A factory at module level is the recommended pattern (DESIGN.md SES007: factories are
fine); each function opens and closes its own session.
"""
from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from geo.models import Country

engine = create_engine("postgresql+psycopg://geo@localhost/geo", pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def country_name(code: str) -> str | None:
    with SessionLocal() as session:
        return session.scalar(select(Country.name).where(Country.code == code))


def rename_country(code: str, name: str) -> None:
    with SessionLocal.begin() as session:
        country = session.scalars(select(Country).where(Country.code == code)).one()
        country.name = name
