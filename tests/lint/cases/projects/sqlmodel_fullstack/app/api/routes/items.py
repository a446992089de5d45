"""Item routes. `get_db` does not commit, so each route owns its commit."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException
from sqlalchemy.exc import IntegrityError

from app import crud
from app.api.deps import SessionDep
from app.models import Item

router = APIRouter(prefix="/items", tags=["items"])


@router.post("/")
def create_item(session: SessionDep, title: str, sku: str, owner_id: uuid.UUID) -> Item:
    return crud.create_item(session=session, title=title, sku=sku, owner_id=owner_id)


@router.patch("/{item_id}")
def rename_item(session: SessionDep, item_id: uuid.UUID, title: str) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    crud.rename_item(session=session, item=item, title=title)
    session.commit()
    session.refresh(item)
    return item


@router.post("/import")
def import_items(session: SessionDep, owner_id: uuid.UUID, rows: list[dict[str, str]]) -> dict[str, int]:
    imported = 0
    for row in rows:
        session.add(Item(title=row["title"], sku=row["sku"], owner_id=owner_id))
        try:
            session.flush()
            imported += 1
        except IntegrityError:  # error: SES002
            continue
    session.commit()
    return {"imported": imported}
