"""pytest fixture committing cleanup after `yield`: not a FastAPI dependency.

Fixtures run their teardown after the test, with no HTTP response involved
(DESIGN.md SES013 is about FastAPI `yield` dependencies).
"""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.db import SessionLocal
from app.models import FeatureFlag


@pytest.fixture
def beta_flag() -> Iterator[FeatureFlag]:
    with SessionLocal() as session:
        flag = FeatureFlag(key="beta", enabled=True)
        session.add(flag)
        session.commit()
        yield flag
        session.execute(delete(FeatureFlag).where(FeatureFlag.key == "beta"))
        session.commit()


def test_beta_flag_enabled(beta_flag: FeatureFlag) -> None:
    with SessionLocal() as session:
        assert session.get(FeatureFlag, beta_flag.id).enabled
