"""Engine and the request session dependency (closes, never commits)."""
from __future__ import annotations

from collections.abc import Generator

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import settings


def sql_global_init(db_url: str) -> tuple[sessionmaker[Session], Engine]:
    engine = create_engine(db_url, pool_pre_ping=True)
    return sessionmaker(bind=engine), engine


SessionLocal, engine = sql_global_init(settings.DB_URL)


def generate_session() -> Generator[Session, None, None]:
    global SessionLocal
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
