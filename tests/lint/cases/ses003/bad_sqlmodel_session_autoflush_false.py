"""SQLModel `Session(engine, autoflush=False)` in a FastAPI dependency.

SQLModel's `Session` is a SQLAlchemy session (issue 3 lists SQLModel `Session`).
"""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends
from sqlmodel import Session, create_engine

engine = create_engine("postgresql+psycopg://app@localhost/app", echo=False)


def get_session() -> Iterator[Session]:
    with Session(engine, autoflush=False) as session:  # error: SES003
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
