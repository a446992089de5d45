"""`from sqlalchemy.orm import exc as orm_exc` and `except orm_exc.NoResultFound:`.

Through the alias this is still `NoResultFound`, raised by the result object and unable to
catch a database error (DESIGN.md: `except NoResultFound` is a tricky clean case).
"""
from __future__ import annotations

from sqlalchemy.orm import Session
from sqlalchemy.orm import exc as orm_exc

from billing.models import Customer, Plan


def plan_for(session: Session, customer_id: int) -> Plan:
    try:
        customer = session.query(Customer).filter(Customer.id == customer_id).one()
    except orm_exc.NoResultFound:
        return session.query(Plan).filter(Plan.code == "free").one()
    return customer.plan
