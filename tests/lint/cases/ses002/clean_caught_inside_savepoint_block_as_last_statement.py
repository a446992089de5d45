"""`IntegrityError` caught *inside* a `begin_nested()` block, as the block's last statement.

The failed savepoint is rolled back when the block exits, and nothing touches the session
inside the block after the failure; afterwards the outer transaction is usable
(reference/semantics.md §5 scenario C: "block exited normally; after block ... commit OK").
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from social.models import Follow

log = logging.getLogger(__name__)


def follow_all(session: Session, follower_id: int, followee_ids: list[int]) -> None:
    for followee_id in followee_ids:
        with session.begin_nested():
            session.add(Follow(follower_id=follower_id, followee_id=followee_id))
            try:
                session.flush()
            except IntegrityError:
                log.debug("%s already follows %s", follower_id, followee_id)
    session.flush()
