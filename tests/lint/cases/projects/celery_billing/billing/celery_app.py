"""Celery application. Sessions are not reset between tasks: each worker thread keeps
its scoped session for its whole life, so a task that leaves it failed poisons the next
task on that thread."""
from __future__ import annotations

from celery import Celery

app = Celery("billing", broker="redis://localhost:6379/3")
app.conf.task_acks_late = True
