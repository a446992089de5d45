"""Workflow runner marks the run FAILED on the same session right after a flush error.

The task owns the session, but the `except` commits bookkeeping on it without rolling
back first, so that commit raises `PendingRollbackError` and the run stays RUNNING
forever (DESIGN.md SES002: the session "is used again afterwards", here in the handler).
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from celery import shared_task

from flows.db import SessionLocal
from flows.engine import execute_steps
from flows.models import RunStatus, WorkflowRun

log = logging.getLogger(__name__)


@shared_task
def run_workflow(run_id: int) -> str:
    with SessionLocal() as session:
        run = session.get(WorkflowRun, run_id)
        run.status = RunStatus.RUNNING
        session.commit()
        try:
            outputs = execute_steps(session, run)
            run.outputs = outputs
            run.status = RunStatus.SUCCEEDED
            session.commit()
        except Exception as exc:  # error: SES002
            log.exception("workflow run %s failed", run_id)
            run.status = RunStatus.FAILED
            run.error = str(exc)[:2000]
            run.finished_at = datetime.now(timezone.utc)
            session.commit()
        return run.status.value
