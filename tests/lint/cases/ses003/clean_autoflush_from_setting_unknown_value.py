"""`autoflush=settings.DB_AUTOFLUSH`: the value is not a literal `False`.

A precise linter cannot know the configured value, so this is not reported (DESIGN.md:
precision first); the default configuration enables autoflush.
"""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from app.settings import settings

engine = create_engine(settings.DATABASE_URL)
SessionLocal = sessionmaker(bind=engine, autoflush=settings.DB_AUTOFLUSH, expire_on_commit=settings.EXPIRE_ON_COMMIT)
