"""Celery tasks module with one module-level session shared by all tasks of the worker.

With a threaded/gevent pool tasks run concurrently on it; with a prefork pool one failed
task poisons every later task of that child (reference/landscape.md §3.1; DESIGN.md
SES007).
"""
from __future__ import annotations

from celery import Celery
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from etl.models import Record

app = Celery("etl", broker="redis://localhost:6379/1")
engine = create_engine("postgresql+psycopg://etl@localhost/etl", pool_pre_ping=True)
session = Session(engine)  # error: SES007


@app.task
def ingest(payload: dict) -> int:
    record = Record(source=payload["source"], body=payload)
    session.add(record)
    session.commit()
    return record.id


@app.task
def purge(source: str) -> int:
    deleted = session.query(Record).filter(Record.source == source).delete()
    session.commit()
    return deleted
