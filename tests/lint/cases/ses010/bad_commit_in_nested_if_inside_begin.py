"""Commit buried in an `if` inside a `begin()` block, meant as an "early save".

The commit is lexically inside the `with ... session.begin():` block (DESIGN.md SES010);
the `ImportRow` writes after it then fail because the block's transaction is closed.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from imports.db import engine
from imports.models import ImportJob, ImportRow


def finish_import(job_id: int, rows: list[dict]) -> str:
    with Session(engine) as session, session.begin():
        job = session.scalars(select(ImportJob).where(ImportJob.id == job_id)).one()
        if job.status == "queued":
            job.status = "running"
            session.commit()  # error: SES010
        session.add_all(ImportRow(job=job, data=row) for row in rows)
        job.status = "done" if rows else "empty"
        return job.status
