"""Business logic: it adds, flushes and queries; the caller owns the transaction."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, NoResultFound
from sqlalchemy.orm import Session

from bookshop.models import Book, Customer, Order

logger = logging.getLogger(__name__)


class OutOfStock(Exception):
    pass


class UnknownBook(Exception):
    pass


def register_customer(session: Session, email: str, name: str) -> Customer:
    customer = Customer(email=email.lower(), name=name)
    session.add(customer)
    session.commit()
    logger.info("registered customer %s", customer.id)
    return customer


def place_order(session: Session, customer_id: int, isbn: str, quantity: int) -> Order:
    try:
        book = session.scalars(select(Book).where(Book.isbn == isbn)).one()
    except NoResultFound:
        raise UnknownBook(isbn) from None
    if book.stock < quantity:
        raise OutOfStock(isbn)
    book.stock -= quantity
    order = Order(customer_id=customer_id, book_id=book.id, quantity=quantity)
    session.add(order)
    session.flush()
    return order


def add_book(session: Session, isbn: str, title: str, price_cents: int) -> Book | None:
    """Add a book, or return None if its ISBN is already known."""
    book = Book(isbn=isbn, title=title, price_cents=price_cents)
    try:
        with session.begin_nested():
            session.add(book)
    except IntegrityError:
        logger.info("book %s already exists", isbn)
        return None
    return book


def order_totals(session: Session, customer_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Book.title, Order.quantity * Book.price_cents)
        .join(Order, Order.book_id == Book.id)
        .where(Order.customer_id == customer_id)
    )
    totals: dict[str, int] = {}
    for title, cents in rows:
        totals[title] = totals.get(title, 0) + cents
    return totals
