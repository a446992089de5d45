"""FastAPI app with one module-level `Session` used by every (threadpool) route.

Sync routes run concurrently in FastAPI's threadpool; they share one Session, which is not
thread-safe: interleaved flushes, `IllegalStateChangeError`, one request's failure poisoning
all others (reference/landscape.md §3.6; DESIGN.md SES007, anchor: the creating line).
"""
from __future__ import annotations

from fastapi import FastAPI, HTTPException
from sqlalchemy import select

from todo.db import SessionLocal
from todo.models import Todo

app = FastAPI()
db = SessionLocal()  # error: SES007


@app.get("/todos")
def list_todos() -> list[dict]:
    return [{"id": t.id, "title": t.title} for t in db.scalars(select(Todo).order_by(Todo.id))]


@app.post("/todos")
def add_todo(title: str) -> dict[str, int]:
    todo = Todo(title=title)
    db.add(todo)
    db.commit()
    return {"id": todo.id}


@app.delete("/todos/{todo_id}")
def delete_todo(todo_id: int) -> None:
    todo = db.get(Todo, todo_id)
    if todo is None:
        raise HTTPException(status_code=404)
    db.delete(todo)
    db.commit()
