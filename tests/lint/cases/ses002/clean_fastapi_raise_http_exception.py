"""FastAPI route converting `IntegrityError` into `HTTPException(409)`.

Raising `HTTPException` leaves the handler with an exception, so the failure is not
swallowed; `get_db` closes the session (DESIGN.md SES002: re-raise in any form). The route
owns the commit because `get_db` does not commit.
"""
from __future__ import annotations

from typing import Iterator

from fastapi import Depends, FastAPI, HTTPException, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from links.db import SessionLocal
from links.models import ShortLink
from links.schemas import LinkIn

app = FastAPI()


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session


@app.post("/links", status_code=status.HTTP_201_CREATED)
def create_link(data: LinkIn, db: Session = Depends(get_db)) -> dict[str, str]:
    link = ShortLink(slug=data.slug, target=str(data.target))
    db.add(link)
    try:
        db.commit()
    except IntegrityError:
        raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail=f"slug {data.slug!r} is taken")
    return {"slug": link.slug}
