"""The Celery app a real worker runs in tests/integrations/test_celery.py.

The worker process imports this module (``celery -A ...``); the test process
sends tasks by name and never imports it. Configuration comes from the
environment the test gives the worker: broker URL (a dedicated Redis database
number), queue name, database URL and table name.

Two task flavours replay seed 000 (a unique violation caught without rollback):

- ``ss.record`` runs under `sessionsafe.integrations.celery.install`: each task
  has its own unit of work;
- ``ss.record_plain`` is the code the seed warns about: one module-level
  session shared by every task in the worker process.
"""

from __future__ import annotations

import logging
import os

from celery import Celery, Task
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, registry, sessionmaker

from sessionsafe.integrations.celery import current_session, install
from tests.integrations.celery_harness import events_table

logger = logging.getLogger(__name__)

BROKER_URL = os.environ["SESSIONSAFE_CELERY_BROKER"]
QUEUE = os.environ["SESSIONSAFE_CELERY_QUEUE"]
DATABASE_URL = os.environ["SESSIONSAFE_CELERY_DB_URL"]
TABLE = os.environ["SESSIONSAFE_CELERY_TABLE"]


class AuditLog:
    def __init__(self, event: str) -> None:
        self.event = event


registry().map_imperatively(AuditLog, events_table(MetaData(), TABLE))

# Created in the parent process: under prefork, install() makes each child
# dispose of the inherited pool.
engine = create_engine(DATABASE_URL)
SessionLocal = sessionmaker(engine)
# Like an app that reads settings from its database at import time: the
# parent's pool now holds a live connection that prefork children inherit.
# Without install()'s dispose in worker_process_init (tried with engines=[]),
# two children share that PostgreSQL connection and the prefork replay hangs
# until its timeout; with it, every task succeeds.
with engine.connect() as warm_up:
    warm_up.execute(text("SELECT 1"))

app = Celery("sessionsafe_tests", broker=BROKER_URL, backend=BROKER_URL)
app.conf.update(
    task_default_queue=QUEUE,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)
install(app, SessionLocal)


@app.task(name="ss.ping")
def ping() -> str:
    return "pong"


@app.task(name="ss.record")
def record(event: str) -> str:
    """Seed 000 in unit-of-work style: flush, swallow the duplicate, no rollback."""
    session = current_session()
    try:
        session.add(AuditLog(event))
        session.flush()
    except IntegrityError:
        logger.warning("duplicate event %s ignored", event)
        return "duplicate ignored"
    return "stored"


@app.task(name="ss.record_after_connection_loss", bind=True, max_retries=2)
def record_after_connection_loss(self: Task, event: str) -> int:
    """Stores `event`; the first attempt loses its PostgreSQL connection first."""
    session = current_session()
    session.add(AuditLog(event))
    session.flush()
    if self.request.retries == 0:
        session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
    return int(self.request.retries)


plain_session = Session(engine)


@app.task(name="ss.record_plain", base=Task)
def record_plain(event: str) -> str:
    """Seed 000 verbatim: one module-level session, duplicate caught, no rollback."""
    try:
        plain_session.add(AuditLog(event))
        plain_session.commit()
    except IntegrityError:  # noqa: SES002 - the seed-000 bug this task demonstrates
        logger.warning("duplicate event %s ignored", event)
        return "duplicate ignored"
    return "stored"
