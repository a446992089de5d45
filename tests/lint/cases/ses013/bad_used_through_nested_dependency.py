"""`get_db` used by another dependency (`get_repository`) through `Depends(get_db)`.

The nested use still has the default scope; the commit after `yield` runs after the
response (DESIGN.md SES013).
"""
from __future__ import annotations

from typing import Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from library.db import SessionLocal
from library.models import Book
from library.repository import BookRepository

app = FastAPI()


def get_db() -> Iterator[Session]:
    session = SessionLocal()
    try:
        yield session
        session.commit()  # error: SES013
    finally:
        session.close()


def get_repository(db: Session = Depends(get_db)) -> BookRepository:
    return BookRepository(db)


@app.post("/books")
def add_book(isbn: str, title: str, repo: BookRepository = Depends(get_repository)) -> dict[str, str]:
    repo.add(Book(isbn=isbn, title=title))
    return {"isbn": isbn}
