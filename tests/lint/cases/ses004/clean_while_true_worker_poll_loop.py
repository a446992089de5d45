"""A `while True:` worker that claims one job per round and commits it.

An infinite polling loop is an event loop: each round is its own unit of work, so its
commit is not a unit of work split across iterations (SES004 known limits: `while True:`
event loops are not reported). Seen in real worker and REPL code.
"""
from __future__ import annotations

import time

from sqlalchemy import select

from jobs.db import SessionLocal
from jobs.models import Job


def run_worker(poll_seconds: float = 2.0) -> None:
    with SessionLocal() as session:
        while True:
            job = session.scalars(
                select(Job).where(Job.claimed_at.is_(None)).order_by(Job.id).limit(1).with_for_update(skip_locked=True)
            ).first()
            if job is None:
                session.rollback()
                time.sleep(poll_seconds)
                continue
            job.run()
            session.commit()
