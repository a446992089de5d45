"""pytest fixture that creates a session, yields it and closes it after the `yield`.

pytest runs a fixture's code after `yield` whether the test passed or failed (it resumes
the generator, it does not throw into it), so this `close()` runs on every path
(DESIGN.md: a fixture that creates a session must close it itself, and this one does).
"""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy.orm import Session

from shop.db import SessionLocal


@pytest.fixture
def db() -> Iterator[Session]:
    session = SessionLocal()
    yield session
    session.rollback()
    session.close()


def test_cart_starts_empty(db: Session) -> None:
    assert db.query(Cart).count() == 0
