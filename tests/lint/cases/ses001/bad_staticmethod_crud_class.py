"""CRUD class with static methods taking `db: Session`.

The class is a namespace, not an owner: each static method receives the session from
the route and commits it (DESIGN.md SES001).
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy.orm import Session

from library.models import Book, Loan
from library.schemas import BookCreate


class BookCrud:
    @staticmethod
    def get(db: Session, book_id: int) -> Optional[Book]:
        return db.get(Book, book_id)

    @staticmethod
    def create(db: Session, data: BookCreate) -> Book:
        book = Book(**data.model_dump())
        db.add(book)
        db.commit()  # error: SES001
        db.refresh(book)
        return book

    @staticmethod
    def lend(db: Session, book: Book, member_id: int) -> Loan:
        if book.available_copies < 1:
            raise ValueError(f"book {book.id} has no copy left to lend")
        book.available_copies -= 1
        loan = Loan(book=book, member_id=member_id)
        db.add(loan)
        db.commit()  # error: SES001
        return loan
