"""Scheduled every minute: posts due webhooks of every group (leaks a session per run)."""
from __future__ import annotations

from datetime import datetime, timezone

from app.db.setup import create_session
from app.repos import get_repositories
from app.services.event_bus import EventBusService


def post_group_webhooks(start: datetime | None = None) -> None:
    start = start or datetime.now(timezone.utc)
    session = create_session()  # error: SES005
    repos = get_repositories(session)
    group_ids = [group.id for group in repos.groups.all()]
    for group_id in group_ids:
        EventBusService(group_id=group_id).dispatch_webhooks(since=start)
