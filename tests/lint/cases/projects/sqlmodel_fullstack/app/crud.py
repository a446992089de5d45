"""CRUD helpers: they receive the route's session."""
from __future__ import annotations

import uuid

from sqlmodel import Session, select

from app.models import Item


def create_item(*, session: Session, title: str, sku: str, owner_id: uuid.UUID) -> Item:
    item = Item(title=title, sku=sku, owner_id=owner_id)
    session.add(item)
    session.commit()  # error: SES001
    session.refresh(item)
    return item


def items_by_owner(*, session: Session, owner_id: uuid.UUID) -> list[Item]:
    return list(session.exec(select(Item).where(Item.owner_id == owner_id)))


def rename_item(*, session: Session, item: Item, title: str) -> Item:
    item.title = title
    session.add(item)
    session.flush()
    return item
