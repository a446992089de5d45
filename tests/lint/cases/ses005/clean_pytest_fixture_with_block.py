"""pytest fixture creating its session with `with`, so it is closed after the test.

A yield fixture that creates a session must close it (DESIGN.md "Overlaps and edge
decisions"); the `with` block does, after the rollback.
"""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.models import Base, User

engine = create_engine("sqlite://")
Base.metadata.create_all(engine)


@pytest.fixture
def db() -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.rollback()


def test_user_email_is_normalised(db: Session) -> None:
    db.add(User(email="Ada@Example.COM"))
    db.flush()
    assert db.query(User).one().email == "ada@example.com"
