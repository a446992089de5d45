"""SQLModel app whose `get_db` was changed to commit after `yield` (no scope anywhere).

Used through `SessionDep` by every route; every write returns before it is committed
(DESIGN.md SES013).
"""
from __future__ import annotations

from collections.abc import Generator
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlmodel import Session, create_engine

from app.core.config import settings
from app.models import Item, ItemCreate

engine = create_engine(str(settings.SQLALCHEMY_DATABASE_URI))


def get_db() -> Generator[Session, None, None]:
    with Session(engine) as session:
        yield session
        session.commit()  # error: SES013


SessionDep = Annotated[Session, Depends(get_db)]
router = APIRouter(prefix="/items")


@router.post("/")
def create_item(session: SessionDep, item_in: ItemCreate) -> Item:
    item = Item.model_validate(item_in)
    session.add(item)
    session.flush()
    return item
