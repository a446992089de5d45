"""`Depends(get_db, scope="function")`: the post-`yield` commit runs before the response.

With function scope (FastAPI >= 0.121) a failing commit becomes a 500, which is the fix
SES013's message recommends (reference/landscape.md §2.4).
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
        db.commit()
    except Exception:
        db.rollback()
        raise
    finally:
        db.close()


@app.post("/notes", status_code=201)
def create_note(title: str, body: str, db: Session = Depends(get_db, scope="function")) -> dict[str, str]:
    db.add(Note(title=title, body=body))
    return {"status": "created"}
