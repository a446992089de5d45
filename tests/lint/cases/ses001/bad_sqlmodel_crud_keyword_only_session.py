"""SQLModel CRUD helpers with keyword-only `session: Session` parameters.

The full-stack template shape: the route gets `SessionDep`, then calls
`crud.create_item(session=session, ...)`. The helper commits a session it was handed
(DESIGN.md SES001; SQLModel `Session` counts as a session).
"""
from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, select

from app.models import Item, ItemCreate, ItemUpdate


def create_item(*, session: Session, item_in: ItemCreate, owner_id: uuid.UUID) -> Item:
    db_item = Item.model_validate(item_in, update={"owner_id": owner_id})
    session.add(db_item)
    session.commit()  # error: SES001
    session.refresh(db_item)
    return db_item


def update_item(*, session: Session, db_item: Item, item_in: ItemUpdate) -> Any:
    update_data = item_in.model_dump(exclude_unset=True)
    db_item.sqlmodel_update(update_data)
    session.add(db_item)
    session.commit()  # error: SES001
    session.refresh(db_item)
    return db_item


def items_for_owner(*, session: Session, owner_id: uuid.UUID, limit: int = 100) -> list[Item]:
    statement = select(Item).where(Item.owner_id == owner_id).limit(limit)
    return list(session.exec(statement).all())
