"""A Celery task owns its session, but a helper it calls commits that session.

`send_reminders` creates the session and commits once at the end (fine); the private
helper `_mark_sent` commits the session it received, so each reminder is its own
transaction and a crash halfway leaves half the batch marked (DESIGN.md SES001).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from celery import shared_task
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.db import SessionLocal
from crm.mail import send_email
from crm.models import Reminder


def _mark_sent(session: Session, reminder: Reminder) -> None:
    reminder.sent_at = datetime.now(timezone.utc)
    session.commit()  # error: SES001


@shared_task(name="crm.send_reminders")
def send_reminders(window_minutes: int = 15) -> int:
    horizon = datetime.now(timezone.utc) + timedelta(minutes=window_minutes)
    with SessionLocal() as session:
        due = session.scalars(
            select(Reminder).where(Reminder.sent_at.is_(None), Reminder.due_at <= horizon)
        ).all()
        for reminder in due:
            send_email(reminder.contact.email, reminder.subject, reminder.body)
            _mark_sent(session, reminder)
        session.commit()
        return len(due)
