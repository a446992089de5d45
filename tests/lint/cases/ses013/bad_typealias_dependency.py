"""Dependency used through an explicit `TypeAlias` of `Annotated[..., Depends(get_db)]`.

Issue 3, SES013: the use may go "through a type alias"; no `scope="function"` anywhere,
so the post-`yield` commit runs after the response.
"""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session
from typing_extensions import TypeAlias

from crm.db import SessionLocal
from crm.models import Lead

app = FastAPI()


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session
        session.commit()  # error: SES013


DbSession: TypeAlias = Annotated[Session, Depends(get_db)]


@app.post("/leads")
def create_lead(name: str, email: str, db: DbSession) -> dict[str, str]:
    db.add(Lead(name=name, email=email))
    return {"status": "queued"}
