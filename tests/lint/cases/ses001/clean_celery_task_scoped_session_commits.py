"""Celery tasks using the worker's `scoped_session` registry, committing and removing it.

A Celery task is an entry point that obtains its own session (DESIGN.md "What owns a
session"); it commits once and `remove()`s the session in `finally` so nothing leaks
into the next task. The helper only flushes.
"""
from __future__ import annotations

from celery import shared_task
from sqlalchemy import create_engine, select
from sqlalchemy.orm import scoped_session, sessionmaker

from notify.models import Notification, Subscriber
from notify.push import push_to_device

engine = create_engine("postgresql+psycopg://notify@localhost/notify", pool_pre_ping=True)
db_session = scoped_session(sessionmaker(bind=engine))


def queue_notifications(topic: str, text: str) -> list[Notification]:
    subscribers = db_session.scalars(select(Subscriber).where(Subscriber.topic == topic)).all()
    notifications = [Notification(subscriber=s, text=text) for s in subscribers]
    db_session.add_all(notifications)
    db_session.flush()
    return notifications


@shared_task(acks_late=True)
def broadcast(topic: str, text: str) -> int:
    try:
        notifications = queue_notifications(topic, text)
        for notification in notifications:
            push_to_device(notification.subscriber.device_token, text)
        db_session.commit()
        return len(notifications)
    finally:
        db_session.remove()
