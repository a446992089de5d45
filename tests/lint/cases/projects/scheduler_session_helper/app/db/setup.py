"""Engine and session helpers of the application."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import settings


def init_engine(url: str) -> tuple[sessionmaker[Session], Engine]:
    engine = create_engine(url, pool_pre_ping=True)
    return sessionmaker(bind=engine), engine


SessionLocal, engine = init_engine(settings.DB_URL)


@contextmanager
def session_context() -> Iterator[Session]:
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()


def create_session() -> Session:
    """A new session; the caller closes it."""
    return SessionLocal()
