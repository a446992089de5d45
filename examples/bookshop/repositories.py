"""Data access for books, used by the services and the CLI."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bookshop.models import Book


class BookRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_isbn(self, isbn: str) -> Book | None:
        return self.session.scalars(select(Book).where(Book.isbn == isbn)).one_or_none()

    def add(self, book: Book) -> Book:
        self.session.add(book)
        self.session.flush()
        return book

    def save_price(self, book: Book, price_cents: int) -> None:
        book.price_cents = price_cents
        self.session.commit()
