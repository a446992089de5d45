"""Subclass method commits `self.session`, which the base class set from a parameter.

The assignment lives in `BaseService.__init__`; `NotificationService.mark_read` commits it
(DESIGN.md SES001: `self.<attr>` assigned from a parameter, also through inheritance).
"""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from notify.models import Notification


class BaseService:
    def __init__(self, session: Session) -> None:
        self.session = session


class NotificationService(BaseService):
    def unread_count(self, user_id: int) -> int:
        return self.session.query(Notification).filter_by(user_id=user_id, read=False).count()

    def mark_read(self, user_id: int, ids: list[int]) -> None:
        self.session.execute(
            update(Notification).where(Notification.user_id == user_id, Notification.id.in_(ids)).values(read=True)
        )
        self.session.commit()  # error: SES001
