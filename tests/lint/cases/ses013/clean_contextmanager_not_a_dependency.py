"""`@contextmanager` generator committing after `yield`, used with `with`, not `Depends`.

A context manager's code after `yield` runs when the `with` block exits, inside the
caller; only FastAPI `yield` dependencies are deferred past the response (DESIGN.md
SES013).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from fastapi import FastAPI
from sqlalchemy.orm import Session

from polls.db import SessionLocal
from polls.models import Vote

app = FastAPI()


@contextmanager
def transaction() -> Iterator[Session]:
    with SessionLocal() as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


@app.post("/polls/{poll_id}/votes")
def vote(poll_id: int, option: str) -> dict[str, str]:
    with transaction() as session:
        session.add(Vote(poll_id=poll_id, option=option))
    return {"status": "counted"}
