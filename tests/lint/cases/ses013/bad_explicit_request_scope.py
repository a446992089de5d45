"""`Depends(get_db, scope="request")`: the explicit default, still after the response.

`scope="request"` is the default scope, so the post-`yield` commit runs after the
response is sent (reference/landscape.md §2.4; DESIGN.md SES013).
"""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from wiki.db import SessionLocal
from wiki.models import Page

app = FastAPI()


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session
        session.commit()  # error: SES013


Db = Annotated[Session, Depends(get_db, scope="request")]


@app.put("/pages/{slug}")
def save_page(slug: str, body: str, db: Db) -> dict[str, str]:
    page = db.get(Page, slug) or Page(slug=slug)
    page.body = body
    db.add(page)
    return {"slug": slug}
