"""Kafka consumer with one session per batch: a failing message is logged and skipped.

Rows are flushed per message and committed every 500 messages (a deliberate checkpoint,
not SES004). After one message's flush fails, the `except Exception` logs it and the
loop keeps using the failed session (DESIGN.md SES002: next loop iteration).
`consumer.commit()` is a Kafka offset commit.
"""
from __future__ import annotations

import json
import logging

from kafka import KafkaConsumer

from orders.db import SessionLocal
from orders.models import OrderEvent

log = logging.getLogger(__name__)


def consume(consumer: KafkaConsumer, max_messages: int = 100_000) -> None:
    with SessionLocal() as session:
        for count, message in enumerate(consumer, start=1):
            try:
                event = json.loads(message.value)
                session.merge(OrderEvent(id=event["id"], order_id=event["order_id"], kind=event["kind"]))
                session.flush()
            except Exception:  # error: SES002
                log.exception("bad order event at offset %s", message.offset)
            if count % 500 == 0:
                session.commit()
                consumer.commit()
            if count >= max_messages:
                break
        session.commit()
        consumer.commit()
