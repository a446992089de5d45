"""FastAPI dependency yielding from `with SessionLocal.begin() as session:`.

No explicit commit anywhere: the block commits when the dependency resumes (and it is
used with `scope="function"`, so that happens before the response, not SES013).
"""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from notes.db import SessionLocal
from notes.models import Note

app = FastAPI()


def transactional_session() -> Iterator[Session]:
    with SessionLocal.begin() as session:
        yield session


TxSession = Annotated[Session, Depends(transactional_session, scope="function")]


@app.post("/notes")
def create_note(title: str, body: str, session: TxSession) -> dict[str, int]:
    note = Note(title=title, body=body)
    session.add(note)
    session.flush()
    return {"id": note.id}
