"""pytest fixtures that create a session, seed data, commit, yield and clean up.

The fixture creates the session and yields it (DESIGN.md "What owns a session": a
`yield` fixture that creates the session), so its commits are the owner's. It is not a
FastAPI dependency, so SES013 does not apply.
"""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import create_engine, delete
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.models import Base, Tenant, User


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite:///:memory:")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def seeded_session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        tenant = Tenant(slug="acme")
        session.add_all([tenant, User(email="ada@acme.test", tenant=tenant)])
        session.commit()
        yield session
        session.execute(delete(User))
        session.execute(delete(Tenant))
        session.commit()


def test_user_belongs_to_tenant(seeded_session: Session) -> None:
    user = seeded_session.query(User).filter_by(email="ada@acme.test").one()
    assert user.tenant.slug == "acme"
