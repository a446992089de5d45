"""Kafka offsets committed inside a `begin()` block: `consumer.commit()` is not a session.

DESIGN.md: `.commit()` on Kafka consumers is never a finding. (Committing offsets before
the database commit trades duplicates for losses; that is a delivery choice, not SES010.)
"""
from __future__ import annotations

import json

from kafka import KafkaConsumer

from inventory.db import SessionLocal
from inventory.models import StockMovement


def consume_one(consumer: KafkaConsumer) -> bool:
    records = consumer.poll(timeout_ms=1000, max_records=1)
    if not records:
        return False
    (message,) = [m for batch in records.values() for m in batch]
    with SessionLocal.begin() as session:
        event = json.loads(message.value)
        session.add(StockMovement(sku=event["sku"], delta=event["delta"], source=event["source"]))
        consumer.commit()
    return True
