"""Kafka loop committing *offsets* per message; the session is per message.

`consumer.commit()` is a Kafka call (never a session commit) and each message gets its own
session from `SessionLocal.begin()`, which commits on exit (DESIGN.md SES004: non-sessions
and per-iteration sessions are fine).
"""
from __future__ import annotations

import json

from confluent_kafka import Consumer

from billing.db import SessionLocal
from billing.models import UsageEvent


def consume(consumer: Consumer, max_messages: int = 50_000) -> int:
    handled = 0
    while handled < max_messages:
        message = consumer.poll(timeout=1.0)
        if message is None:
            continue
        if message.error():
            raise RuntimeError(f"kafka error: {message.error()}")
        event = json.loads(message.value())
        with SessionLocal.begin() as session:
            session.add(UsageEvent(account_id=event["account"], units=event["units"], at=event["ts"]))
        consumer.commit(message=message, asynchronous=False)
        handled += 1
    return handled
