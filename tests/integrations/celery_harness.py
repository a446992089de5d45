"""Start and stop a real Celery worker process (Redis broker on 127.0.0.1).

Each worker gets its own queue name and a dedicated Redis database number, so
parallel test runs never consume each other's tasks. Every wait is bounded;
the worker is stopped with SIGTERM (warm shutdown), then SIGKILL on its own
process group if it does not exit in time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import Celery
from celery.result import AsyncResult
from sqlalchemy import Column, Integer, MetaData, String, Table

from tests.services import REDIS, REDIS_URL

PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Redis database number reserved for these tests' broker and results.
REDIS_DB = 13
WORKER_START_TIMEOUT_S = 30.0
WORKER_STOP_TIMEOUT_S = 15.0


def events_table(metadata: MetaData, name: str) -> Table:
    """The table the worker's tasks write: one row per unique event."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("event", String(100), nullable=False, unique=True),
    )


@dataclass
class Outcome:
    state: str
    result: Any
    traceback: str

    @property
    def error_name(self) -> str:
        """Class name of the exception a failed task raised ('' on success).

        Celery rebuilds the exception from its module and class name, or
        makes up a class with the same name when it cannot import it.
        """
        return type(self.result).__name__ if self.state == "FAILURE" else ""


class WorkerClient:
    """Sends tasks by name to one worker's queue and collects their outcomes."""

    def __init__(self, broker_url: str, queue: str) -> None:
        self.queue = queue
        self.app = Celery("sessionsafe_test_client", broker=broker_url, backend=broker_url)
        self.app.conf.update(broker_connection_retry_on_startup=True)

    def send(self, task: str, *args: Any) -> AsyncResult:
        return self.app.send_task(task, args=args, queue=self.queue)

    def outcome(self, result: AsyncResult, timeout: float) -> Outcome:
        result.get(timeout=timeout, propagate=False, disable_sync_subtasks=False)
        return Outcome(result.state, result.result, result.traceback or "")

    def run_all(self, task: str, arguments: Sequence[Any], timeout: float) -> list[Outcome]:
        """Send every task first, then wait for all (bounded by `timeout` overall)."""
        results = [self.send(task, argument) for argument in arguments]
        deadline = time.monotonic() + timeout
        return [self.outcome(result, max(0.1, deadline - time.monotonic())) for result in results]

    def close(self) -> None:
        self.app.close()


@contextmanager
def celery_worker(pool: str, database_url: str, table: str) -> Iterator[WorkerClient]:
    """Run tests/integrations/celery_worker_app.py in a worker process."""
    REDIS.require()
    broker_url = f"{REDIS_URL.rstrip('/')}/{REDIS_DB}"
    queue = f"sessionsafe-test-{uuid.uuid4().hex[:12]}"
    environment = {
        **os.environ,
        "SESSIONSAFE_CELERY_BROKER": broker_url,
        "SESSIONSAFE_CELERY_QUEUE": queue,
        "SESSIONSAFE_CELERY_DB_URL": database_url,
        "SESSIONSAFE_CELERY_TABLE": table,
        "PYTHONPATH": os.pathsep.join(
            path for path in (os.environ.get("PYTHONPATH"), str(PROJECT_ROOT)) if path
        ),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "--app",
        "tests.integrations.celery_worker_app",
        "worker",
        f"--pool={pool}",
        "--concurrency=2",
        f"--queues={queue}",
        f"--hostname={queue}@127.0.0.1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=WARNING",
    ]
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"{queue}.log"
    with log_path.open("w+b") as log:
        worker = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        client = WorkerClient(broker_url, queue)
        try:
            _wait_until_ready(client, worker, log)
            yield client
        finally:
            client.close()
            _stop(worker)
    log_path.unlink(missing_ok=True)


def _wait_until_ready(client: WorkerClient, worker: subprocess.Popen[bytes], log: Any) -> None:
    result = client.send("ss.ping")
    deadline = time.monotonic() + WORKER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            break
        if result.ready():
            return
        time.sleep(0.05)
    log.seek(0)
    output = log.read().decode(errors="replace")[-4000:]
    raise RuntimeError(f"the Celery worker did not become ready; its output:\n{output}")


def _stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(WORKER_STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(WORKER_STOP_TIMEOUT_S)
