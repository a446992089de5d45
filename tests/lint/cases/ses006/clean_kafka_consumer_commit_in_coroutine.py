"""Async consumer calling the (synchronous) `confluent_kafka.Consumer.commit()`.

A Kafka consumer is not an `AsyncSession`, so its un-awaited `commit()` is not SES006
(DESIGN.md: `.commit()` on non-sessions is never a finding); the session calls are awaited.
"""
from __future__ import annotations

import json

from confluent_kafka import Consumer
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from audit.models import AuditEvent

engine = create_async_engine("postgresql+asyncpg://audit@localhost/audit")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def consume_once(consumer: Consumer, batch_size: int = 100) -> int:
    messages = consumer.consume(num_messages=batch_size, timeout=1.0)
    if not messages:
        return 0
    async with async_session() as session:
        session.add_all(AuditEvent(**json.loads(message.value())) for message in messages)
        await session.commit()
    consumer.commit(asynchronous=False)
    return len(messages)
