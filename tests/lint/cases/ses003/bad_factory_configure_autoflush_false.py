"""`SessionLocal.configure(autoflush=False)` at start-up: every later session of the factory.

`sessionmaker.configure()` changes the factory's defaults, exactly like passing
`autoflush=False` when creating it (DESIGN.md SES003).
"""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker()


def init_db(url: str) -> None:
    SessionLocal.configure(bind=create_engine(url), autoflush=False)  # error: SES003
