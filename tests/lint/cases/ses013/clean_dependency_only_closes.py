"""`get_db` yields and closes; the route commits before returning.

Nothing is committed after `yield`, so the response cannot be sent before the commit
(DESIGN.md SES013 is about commits after `yield`).
"""
from __future__ import annotations

from typing import Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from wiki.db import SessionLocal
from wiki.models import Page

app = FastAPI()


def get_db() -> Iterator[Session]:
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()


@app.put("/pages/{slug}")
def save_page(slug: str, body: str, db: Session = Depends(get_db)) -> dict[str, str]:
    page = db.get(Page, slug) or Page(slug=slug)
    page.body = body
    db.add(page)
    db.commit()
    return {"slug": slug}
