"""Kafka consumer: offsets committed correctly, but a domain helper commits the session.

`consumer.commit()` is a Kafka offset commit, never a finding. `record_click` receives the
per-message session from `run` and commits it itself (DESIGN.md SES001).
"""
from __future__ import annotations

import json

from kafka import KafkaConsumer
from sqlalchemy.orm import Session

from analytics.db import SessionLocal
from analytics.models import Click, DailyCounter


def record_click(session: Session, payload: dict) -> None:
    session.add(Click(campaign_id=payload["campaign"], user_agent=payload.get("ua", "")))
    counter = session.get(DailyCounter, (payload["campaign"], payload["day"]))
    if counter is None:
        counter = DailyCounter(campaign_id=payload["campaign"], day=payload["day"], clicks=0)
        session.add(counter)
    counter.clicks += 1
    session.commit()  # error: SES001


def run() -> None:
    consumer = KafkaConsumer(
        "clicks",
        bootstrap_servers="localhost:9092",
        group_id="analytics",
        enable_auto_commit=False,
        value_deserializer=json.loads,
    )
    for message in consumer:
        with SessionLocal() as session:
            record_click(session, message.value)
            session.commit()
        consumer.commit()


if __name__ == "__main__":
    run()
