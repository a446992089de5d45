"""A service function typed with the `SessionDep` alias, called from a route.

`SessionDep = Annotated[Session, Depends(get_db)]` marks a session; `add_comment` is not
a route (no decorator), it is business code called by one, so its commit is on a
session it does not own (DESIGN.md SES001, `Annotated[..., Depends(...)]`).
"""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from forum.database import SessionLocal
from forum.models import Comment, Thread


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]
router = APIRouter()


def add_comment(db: SessionDep, thread_id: int, author_id: int, body: str) -> Comment:
    thread = db.get(Thread, thread_id)
    comment = Comment(thread=thread, author_id=author_id, body=body)
    thread.reply_count += 1
    db.add(comment)
    db.commit()  # error: SES001
    return comment


@router.post("/threads/{thread_id}/comments")
def post_comment(thread_id: int, body: str, author_id: int, db: SessionDep) -> dict[str, int]:
    comment = add_comment(db, thread_id, author_id, body)
    return {"id": comment.id}
