"""Model classmethod factory that commits the session passed in.

`Subscription.start(session, ...)` is called from checkout code that also writes an
order in the same session; committing inside the factory is SES001 (session received as
a parameter; `cls` is not a session).
"""
from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Subscription(Base):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    plan: Mapped[str] = mapped_column(String(32))
    started_on: Mapped[date]
    cancelled_on: Mapped[Optional[date]]

    @classmethod
    def start(cls, session: Session, customer_id: int, plan: str) -> "Subscription":
        subscription = cls(customer_id=customer_id, plan=plan, started_on=date.today())
        session.add(subscription)
        session.commit()  # error: SES001
        return subscription

    def cancel(self, when: date) -> None:
        self.cancelled_on = when
