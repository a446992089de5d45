"""Risky insert wrapped in `with session.begin_nested():`, `IntegrityError` caught outside.

A failure inside the savepoint block rolls back only the savepoint; the outer transaction
stays usable on SQLite, PostgreSQL and MariaDB (reference/semantics.md §5; DESIGN.md:
"`begin_nested()` failures caught outside the block are fine").
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from social.models import Like, Post

log = logging.getLogger(__name__)


def like_posts(session: Session, user_id: int, posts: list[Post]) -> int:
    liked = 0
    for post in posts:
        try:
            with session.begin_nested():
                session.add(Like(user_id=user_id, post_id=post.id))
        except IntegrityError:
            log.debug("user %s already likes post %s", user_id, post.id)
            continue
        post.like_count += 1
        liked += 1
    session.flush()
    return liked
