"""FastAPI route that commits; its `get_db` dependency only yields and closes.

No dependency or middleware commits for this handler, so the handler is the owner of the
request's unit of work and commits once at the end (DESIGN.md "What owns a session":
"a request handler when no dependency or middleware commits for it"). The helpers flush.
"""
from __future__ import annotations

from typing import Iterator

from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from todo.db import SessionLocal
from todo.models import TodoItem, TodoList
from todo.schemas import ItemIn

app = FastAPI()


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def append_item(db: Session, todo_list: TodoList, data: ItemIn) -> TodoItem:
    position = len(todo_list.items)
    item = TodoItem(todo_list=todo_list, title=data.title, position=position)
    db.add(item)
    db.flush()
    return item


@app.post("/lists/{list_id}/items", status_code=201)
def create_item(list_id: int, data: ItemIn, db: Session = Depends(get_db)) -> dict[str, int]:
    todo_list = db.scalars(select(TodoList).where(TodoList.id == list_id)).first()
    if todo_list is None:
        raise HTTPException(status_code=404, detail="list not found")
    item = append_item(db, todo_list, data)
    db.commit()
    return {"id": item.id, "position": item.position}
