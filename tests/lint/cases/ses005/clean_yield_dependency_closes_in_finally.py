"""FastAPI `get_db` that creates, yields and closes the session in `finally`.

The dependency is the owner and closes what it created (DESIGN.md "Overlaps and edge
decisions"); no commit after `yield`, so no SES013.
"""
from __future__ import annotations

from typing import Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from kv.db import SessionLocal
from kv.models import Entry

app = FastAPI()


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


@app.get("/kv/{key}")
def read(key: str, db: Session = Depends(get_db)) -> dict[str, str]:
    entry = db.get(Entry, key)
    return {"key": key, "value": entry.value if entry else ""}
