"""Transaction scope whose `except BaseException:` rolls back and re-raises.

Both conditions hold (rollback and re-raise); this is the owner's error path that every
other handler relies on (DESIGN.md SES002).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from core.settings import engine

SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    session = SessionLocal()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def rename_everything(prefix: str) -> None:
    from core.models import Folder

    with unit_of_work() as session:
        for folder in session.query(Folder).filter(Folder.name.notlike(f"{prefix}%")):
            folder.name = f"{prefix}{folder.name}"
