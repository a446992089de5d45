"""Route commits although its dependency already commits for it.

`get_db` commits before the response (`scope="function"`, so no SES013) and rolls back
on error: it owns the unit of work. The handler's extra `db.commit()` makes the work
durable before the dependency can roll it back (DESIGN.md: a request handler owns the
session only "when no dependency or middleware commits for it"; SES001).
"""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from notes.db import SessionLocal
from notes.models import Note
from notes.schemas import NoteIn, NoteOut


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


DbSession = Annotated[Session, Depends(get_db, scope="function")]
app = FastAPI()


@app.post("/notes", response_model=NoteOut)
def create_note(payload: NoteIn, db: DbSession) -> Note:
    note = Note(title=payload.title, body=payload.body)
    db.add(note)
    db.commit()  # error: SES001
    db.refresh(note)
    return note
