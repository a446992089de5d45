"""Session stored on `self` in `__init__` and closed by the class's `close()`.

DESIGN.md / issue 3, SES005: a session "stored on `self` ... for an owner to close" is not
a finding in the function that creates it.
"""
from __future__ import annotations

from types import TracebackType

from sqlalchemy import select

from exports.db import SessionLocal
from exports.models import Customer


class CustomerExport:
    def __init__(self, batch_size: int = 500) -> None:
        self.batch_size = batch_size
        self.session = SessionLocal()

    def __enter__(self) -> "CustomerExport":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def rows(self):
        stmt = select(Customer).order_by(Customer.id).execution_options(yield_per=self.batch_size)
        for customer in self.session.scalars(stmt):
            yield (customer.id, customer.email, customer.country)

    def close(self) -> None:
        self.session.close()
