"""Celery task committing after each recipient of a campaign.

The task owns the session (no SES001) but commits inside the loop, so a retried task
re-sends to recipients whose commit already happened (DESIGN.md SES004).
"""
from __future__ import annotations

from celery import shared_task
from sqlalchemy import select

from campaigns.db import SessionLocal
from campaigns.mail import send
from campaigns.models import Campaign, Recipient


@shared_task(bind=True, max_retries=3)
def send_campaign(self, campaign_id: int) -> int:
    with SessionLocal() as session:
        campaign = session.get(Campaign, campaign_id)
        recipients = session.scalars(
            select(Recipient).where(Recipient.campaign_id == campaign_id, Recipient.sent.is_(False))
        ).all()
        for recipient in recipients:
            send(recipient.email, campaign.subject, campaign.html)
            recipient.sent = True
            session.commit()  # error: SES004
        return len(recipients)
