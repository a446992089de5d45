"""Savepoint object committed inside a `begin()` block.

`sp = session.begin_nested()` ... `sp.commit()` releases a SAVEPOINT; it is not the
session's `commit()` and does not end the block's transaction (reference/semantics.md §5).
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from crm.db import SessionLocal
from crm.models import Company, Contact


def import_company(name: str, contacts: list[dict[str, str]]) -> list[str]:
    rejected: list[str] = []
    with SessionLocal.begin() as session:
        company = Company(name=name)
        session.add(company)
        for data in contacts:
            sp = session.begin_nested()
            try:
                session.add(Contact(company=company, email=data["email"], name=data.get("name", "")))
                session.flush()
                sp.commit()
            except IntegrityError:
                sp.rollback()
                rejected.append(data["email"])
    return rejected
