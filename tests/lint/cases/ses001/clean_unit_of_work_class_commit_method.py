"""Cosmic-Python unit of work: `commit()` on the UoW, not on a session.

`SqlAlchemyUnitOfWork.__enter__` creates the session and `__exit__` rolls back and
closes it, so the class owns it and its `commit` method may commit (DESIGN.md "What owns
a session": a unit-of-work class). The service calls `uow.commit()`, which is not a
session commit.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from allocation import model
from allocation.repository import SqlAlchemyRepository

DEFAULT_SESSION_FACTORY = sessionmaker(bind=create_engine("postgresql+psycopg://app@localhost/allocation"))


class SqlAlchemyUnitOfWork:
    def __init__(self, session_factory: Any = DEFAULT_SESSION_FACTORY) -> None:
        self.session_factory = session_factory

    def __enter__(self) -> "SqlAlchemyUnitOfWork":
        self.session = self.session_factory()
        self.products = SqlAlchemyRepository(self.session)
        return self

    def __exit__(self, *args: object) -> None:
        self.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def allocate(orderid: str, sku: str, qty: int, uow: SqlAlchemyUnitOfWork) -> str:
    line = model.OrderLine(orderid, sku, qty)
    with uow:
        product = uow.products.get(sku=line.sku)
        if product is None:
            raise model.InvalidSku(f"Invalid sku {line.sku}")
        batchref = product.allocate(line)
        uow.commit()
    return batchref
