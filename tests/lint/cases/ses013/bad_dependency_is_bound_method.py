"""A `Database` object whose bound method `session()` is the yield dependency.

`Depends(database.session)` uses the method with the default scope, so its post-`yield`
commit runs after the response (DESIGN.md SES013).
"""
from __future__ import annotations

from typing import Iterator

from fastapi import Depends, FastAPI
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from shop.models import Product


class Database:
    def __init__(self, url: str) -> None:
        self._factory = sessionmaker(bind=create_engine(url, pool_pre_ping=True))

    def session(self) -> Iterator[Session]:
        with self._factory() as session:
            try:
                yield session
                session.commit()  # error: SES013
            except Exception:
                session.rollback()
                raise


database = Database("postgresql+psycopg://shop@localhost/shop")
app = FastAPI()


@app.post("/products")
def create_product(sku: str, name: str, db: Session = Depends(database.session)) -> dict[str, str]:
    db.add(Product(sku=sku, name=name))
    return {"sku": sku}
