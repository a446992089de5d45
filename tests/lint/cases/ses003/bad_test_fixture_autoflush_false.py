"""Test fixture building its sessions with `autoflush=False`.

DESIGN.md "Overlaps and edge decisions": `autoflush=False` in test fixtures is still
SES003, because tests then flush differently from production.
"""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from app.models import Base

engine = create_engine("sqlite://")
TestingSessionLocal = sessionmaker(bind=engine, autoflush=False)  # error: SES003


@pytest.fixture
def db() -> Iterator[Session]:
    Base.metadata.create_all(engine)
    with TestingSessionLocal() as session:
        yield session
    Base.metadata.drop_all(engine)
