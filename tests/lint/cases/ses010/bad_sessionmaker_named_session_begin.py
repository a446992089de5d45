"""`with Session.begin() as s:` where `Session` is the project's `sessionmaker`.

A common naming (`Session = sessionmaker(...)`); the block commits on exit, so the inner
`s.commit()` is SES010, and the exception raised after it cannot undo the committed
charge (reference/semantics.md §4: "commit() inside, then an exception in the block").
"""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from payments.gateway import capture
from payments.models import Charge

engine = create_engine("postgresql+psycopg://payments@localhost/payments")
Session = sessionmaker(bind=engine)


def charge_card(customer_id: int, cents: int, card_token: str) -> str:
    with Session.begin() as s:
        charge = Charge(customer_id=customer_id, cents=cents, status="pending")
        s.add(charge)
        s.commit()  # error: SES010
        charge.gateway_ref = capture(card_token, cents)
        charge.status = "captured"
        return charge.gateway_ref
