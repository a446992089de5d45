"""The copy-pasted tutorial line `sessionmaker(autocommit=False, autoflush=False, bind=engine)`.

With autoflush off, a query after `add()` does not see the pending object, so
"check then insert" code silently misses duplicates (reference/landscape.md §3.9; DESIGN.md
SES003, anchor: the `autoflush=False` keyword).
"""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

SQLALCHEMY_DATABASE_URL = "postgresql+psycopg://user:password@postgresserver/db"

engine = create_engine(SQLALCHEMY_DATABASE_URL)
SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)  # error: SES003
Base = declarative_base()


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
