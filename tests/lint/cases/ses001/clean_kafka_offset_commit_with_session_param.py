"""Kafka consumer whose `consumer.commit()` is an offset commit, not a session commit.

`handle_batch` receives the consumer and a session it does not own; it only flushes the
session and commits the consumer's offsets. DESIGN.md: "`.commit()` on anything else
(git, Kafka, ...) is never a finding". The loop's owner commits the session.
"""
from __future__ import annotations

import json
import logging

from confluent_kafka import Consumer, Message
from sqlalchemy.orm import Session

from ingest.db import SessionLocal
from ingest.models import SensorReading

log = logging.getLogger(__name__)


def handle_batch(consumer: Consumer, session: Session, messages: list[Message]) -> None:
    for message in messages:
        payload = json.loads(message.value())
        session.add(SensorReading(sensor_id=payload["sensor"], value=payload["value"], taken_at=payload["ts"]))
    session.flush()
    # Offsets are committed once the rows are flushed; replays are de-duplicated by the
    # unique (sensor_id, taken_at) constraint.
    consumer.commit(asynchronous=False)


def consume_forever(consumer: Consumer, batch_size: int = 200) -> None:
    while True:
        messages = consumer.consume(num_messages=batch_size, timeout=1.0)
        if not messages:
            continue
        with SessionLocal() as session:
            handle_batch(consumer, session, messages)
            session.commit()
        log.debug("stored %d readings", len(messages))
