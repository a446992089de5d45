"""Outbox relay draining rows in a bounded `while` loop, committing each claimed row.

The session is created once outside the loop and each iteration commits it
(DESIGN.md SES004). `publish` has no retry story for a crash between two commits.
"""
from __future__ import annotations

from sqlalchemy import select

from outbox.broker import publish
from outbox.db import SessionLocal
from outbox.models import OutboxMessage


def relay(max_messages: int = 1000) -> int:
    sent = 0
    with SessionLocal() as session:
        while sent < max_messages:
            message = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
                .order_by(OutboxMessage.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if message is None:
                break
            publish(message.topic, message.payload)
            message.mark_sent()
            session.commit()  # error: SES004
            sent += 1
    return sent
