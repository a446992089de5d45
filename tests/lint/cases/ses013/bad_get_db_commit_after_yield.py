"""Classic `get_db` committing after `yield`, used with `Depends(get_db)` (default scope).

Since FastAPI 0.118 the code after `yield` runs after the response is sent: a failing
commit still returns 200 and the data is lost (reference/landscape.md §2.4; DESIGN.md
SES013, anchor: the `commit` call).
"""
from __future__ import annotations

from typing import Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from notes.db import SessionLocal
from notes.models import Note

app = FastAPI()


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
        db.commit()  # error: SES013
    except Exception:
        db.rollback()
        raise
    finally:
        db.close()


@app.post("/notes", status_code=201)
def create_note(title: str, body: str, db: Session = Depends(get_db)) -> dict[str, str]:
    db.add(Note(title=title, body=body))
    return {"status": "created"}
