"""A `yield` dependency committing after `yield`, with no use site in the checked files.

Routers elsewhere use it; with no visible `Depends(..., scope="function")` the default
(after-response) scope must be assumed (issue 3, SES013: "When no use site is visible in
the checked files, report it").
"""
from __future__ import annotations

from collections.abc import Generator

from sqlalchemy.orm import Session

from platform_db.engine import SessionFactory


def get_db() -> Generator[Session, None, None]:
    session = SessionFactory()
    try:
        yield session
        session.commit()  # error: SES013
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
