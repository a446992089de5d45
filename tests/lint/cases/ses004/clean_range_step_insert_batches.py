"""`for start in range(0, len(rows), BATCH):` inserting one slice per transaction.

The loop iterates over batches, not items: each commit closes one bounded batch, the
deliberate checkpoint pattern (DESIGN.md "Overlaps and edge decisions").
"""
from __future__ import annotations

from sqlalchemy import insert

from metrics.db import SessionLocal
from metrics.models import Sample

BATCH = 2_000


def store_samples(rows: list[dict[str, float]]) -> None:
    with SessionLocal() as session:
        for start in range(0, len(rows), BATCH):
            session.execute(insert(Sample), rows[start : start + BATCH])
            session.commit()
