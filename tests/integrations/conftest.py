from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integrations.harness import Database, make_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh pair of tables on each backend the integrations must support."""
    db = make_database(request.param, tmp_path)
    try:
        yield db
    finally:
        db.drop()
