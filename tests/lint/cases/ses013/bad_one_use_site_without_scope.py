"""Two use sites: one with `scope="function"`, one without.

The route using plain `Depends(get_db)` gets the after-response commit; one unsafe use
is enough for the finding (DESIGN.md SES013).
"""
from __future__ import annotations

from typing import Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from blog.db import SessionLocal
from blog.models import Comment, Post

app = FastAPI()


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session
        session.commit()  # error: SES013


@app.post("/posts")
def create_post(title: str, db: Session = Depends(get_db, scope="function")) -> dict[str, int]:
    post = Post(title=title)
    db.add(post)
    db.flush()
    return {"id": post.id}


@app.post("/posts/{post_id}/comments")
def add_comment(post_id: int, body: str, db: Session = Depends(get_db)) -> dict[str, int]:
    comment = Comment(post_id=post_id, body=body)
    db.add(comment)
    db.flush()
    return {"id": comment.id}
