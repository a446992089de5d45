"""pytest fixture that creates a session, yields it, and only rolls back afterwards.

Rollback is not close: each test leaves a session (and a connection) open; with a
PostgreSQL pool of 5 the sixth test hangs. A yield fixture that creates a session must
close it (DESIGN.md "Overlaps and edge decisions").
"""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from app.models import Base

engine = create_engine("postgresql+psycopg://test@localhost/test", pool_size=5, max_overflow=0)
TestingSession = sessionmaker(bind=engine)


@pytest.fixture(scope="session", autouse=True)
def schema() -> Iterator[None]:
    Base.metadata.create_all(engine)
    yield
    Base.metadata.drop_all(engine)


@pytest.fixture
def db() -> Iterator[Session]:
    session = TestingSession()  # error: SES005
    yield session
    session.rollback()
