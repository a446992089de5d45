"""Dataclass repository with a `session: Session` field, committing in its methods.

The field is filled by whoever builds the repository (a request or a job); `self.session`
is a session the methods do not own (DESIGN.md SES001: `self.<attr>` from an annotated
value the class receives).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from shipping.models import Address, Customer


@dataclass
class AddressBook:
    session: Session
    customer: Customer

    def default(self) -> Optional[Address]:
        return self.session.scalars(
            select(Address).where(Address.customer_id == self.customer.id, Address.is_default.is_(True))
        ).first()

    def set_default(self, address: Address) -> None:
        current = self.default()
        if current is not None:
            current.is_default = False
        address.is_default = True
        self.session.commit()  # error: SES001
