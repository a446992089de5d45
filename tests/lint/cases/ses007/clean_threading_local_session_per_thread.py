"""Hand-rolled per-thread session via `threading.local()`, like `scoped_session`.

Each thread creates and keeps its own session; no instance is shared between threads
(DESIGN.md SES007 is about one instance shared by requests, threads or tasks).
"""
from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from metrics.db import SessionLocal
from metrics.models import Gauge

_local = threading.local()


def thread_session() -> Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = SessionLocal()
        _local.session = session
    return session


def close_thread_session() -> None:
    session = getattr(_local, "session", None)
    if session is not None:
        session.close()
        _local.session = None


def gauge_value(name: str) -> float | None:
    return thread_session().scalar(select(Gauge.value).where(Gauge.name == name))
