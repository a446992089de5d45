"""`get_db` creates a session and yields it but never closes it.

FastAPI does not close what a dependency yields; a `yield` dependency that creates a
session is its owner and must close it itself (DESIGN.md "Overlaps and edge decisions").
Every request leaks one connection.
"""
from __future__ import annotations

from typing import Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from kv.db import SessionLocal
from kv.models import Entry

app = FastAPI()


def get_db() -> Iterator[Session]:
    db = SessionLocal()  # error: SES005
    yield db


@app.get("/kv/{key}")
def read(key: str, db: Session = Depends(get_db)) -> dict[str, str]:
    entry = db.get(Entry, key)
    return {"key": key, "value": entry.value if entry else ""}
