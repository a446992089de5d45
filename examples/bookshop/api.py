"""The HTTP API: one session per request from `get_db`; each handler commits once."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bookshop import services
from bookshop.db import SessionLocal
from bookshop.repositories import BookRepository

app = FastAPI(title="bookshop")


def get_db() -> Iterator[Session]:
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()


class SignUp(BaseModel):
    email: str
    name: str


class NewOrder(BaseModel):
    customer_id: int
    isbn: str
    quantity: int = 1


class NewPrice(BaseModel):
    price_cents: int


@app.post("/customers", status_code=201)
def sign_up(payload: SignUp, db: Session = Depends(get_db)) -> dict[str, int]:
    customer = services.register_customer(db, payload.email, payload.name)
    return {"id": customer.id}


@app.post("/orders", status_code=201)
def create_order(payload: NewOrder, db: Session = Depends(get_db)) -> dict[str, int]:
    try:
        order = services.place_order(db, payload.customer_id, payload.isbn, payload.quantity)
    except services.UnknownBook:
        raise HTTPException(status_code=404, detail="no such book") from None
    except services.OutOfStock:
        raise HTTPException(status_code=409, detail="not enough copies in stock") from None
    db.commit()
    return {"id": order.id}


@app.put("/books/{isbn}/price")
def change_price(isbn: str, payload: NewPrice, db: Session = Depends(get_db)) -> dict[str, str]:
    books = BookRepository(db)
    book = books.by_isbn(isbn)
    if book is None:
        raise HTTPException(status_code=404, detail="no such book")
    books.save_price(book, payload.price_cents)
    return {"isbn": isbn}


@app.get("/customers/{customer_id}/totals")
def totals(customer_id: int, db: Session = Depends(get_db)) -> dict[str, int]:
    return services.order_totals(db, customer_id)
