"""Long-running queue worker with one session for its whole life, on `self.session`.

After a connection drop the commit fails with `OperationalError`; the handler logs and
returns, the session is never rolled back, and every later message fails with
`PendingRollbackError` until the pod is restarted (DESIGN.md SES002: `self.session`
outlives the method). The worker creates the session in `__enter__` and closes it in
`__exit__`, so it owns it and may commit (not SES001).
"""
from __future__ import annotations

import json
import logging
from types import TracebackType

from redis import Redis
from sqlalchemy.exc import OperationalError

from events.db import SessionLocal
from events.models import Event

log = logging.getLogger("events.worker")


class EventWorker:
    def __init__(self, redis: Redis, queue: str = "events") -> None:
        self.redis = redis
        self.queue = queue

    def __enter__(self) -> "EventWorker":
        self.session = SessionLocal()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.session.close()

    def handle(self, raw: bytes) -> None:
        payload = json.loads(raw)
        try:
            self.session.add(Event(kind=payload["kind"], actor=payload["actor"], data=payload))
            self.session.commit()
        except OperationalError:  # error: SES002
            log.error("database unavailable, dropping event %s", payload.get("id"))

    def run(self, max_messages: int = 10_000) -> None:
        for _ in range(max_messages):
            item = self.redis.blpop(self.queue, timeout=5)
            if item is not None:
                self.handle(item[1])
