"""Every use site passes `scope="function"`: direct parameters and a nested dependency.

No use site with the default scope exists in the checked file, so the post-`yield`
commit always runs before the response (DESIGN.md SES013).
"""
from __future__ import annotations

from typing import Iterator

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from library.db import SessionLocal
from library.models import Book, Member
from library.repository import BookRepository

app = FastAPI()


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


def get_books(db: Session = Depends(get_db, scope="function")) -> BookRepository:
    return BookRepository(db)


@app.post("/books")
def add_book(isbn: str, title: str, books: BookRepository = Depends(get_books, scope="function")) -> dict[str, str]:
    books.add(Book(isbn=isbn, title=title))
    return {"isbn": isbn}


@app.post("/members")
def add_member(name: str, db: Session = Depends(get_db, scope="function")) -> dict[str, str]:
    db.add(Member(name=name))
    return {"name": name}
