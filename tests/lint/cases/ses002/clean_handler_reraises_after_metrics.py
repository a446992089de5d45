"""Handler increments a metric and re-raises a wrapped error with `raise ... from`.

Any `raise` in the handler leaves with an exception (DESIGN.md SES002), including one
nested under an `if`, as long as every path through the handler raises.
"""
from __future__ import annotations

from prometheus_client import Counter
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from orders.models import Order

DB_FAILURES = Counter("order_db_failures_total", "Order writes that failed", ["kind"])


class OrderConflict(Exception):
    pass


class OrderStorageUnavailable(Exception):
    pass


def save_order(session: Session, order: Order) -> Order:
    session.add(order)
    try:
        session.flush()
    except SQLAlchemyError as exc:
        DB_FAILURES.labels(kind=type(exc).__name__).inc()
        if isinstance(exc, IntegrityError):
            raise OrderConflict(order.reference) from exc
        if isinstance(exc, OperationalError):
            raise OrderStorageUnavailable(str(exc.orig)) from exc
        raise
    return order
