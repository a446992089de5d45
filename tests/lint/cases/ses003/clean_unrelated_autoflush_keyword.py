"""`autoflush=False` passed to an unrelated class (a metrics buffer), next to a session.

SES003 is about session constructors, factories and `session.autoflush`; other objects'
`autoflush` options are not sessions (DESIGN.md SES003).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from telemetry.buffer import MetricsBuffer
from telemetry.models import Sample

buffer = MetricsBuffer(capacity=10_000, autoflush=False)


def record(session: Session, name: str, value: float) -> None:
    buffer.append(name, value)
    if buffer.full():
        session.add_all(Sample(name=n, value=v) for n, v in buffer.drain())
        session.flush()
