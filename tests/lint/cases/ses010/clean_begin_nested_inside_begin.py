"""`with session.begin_nested():` blocks inside a `with session.begin():` block.

Savepoints release on exit; no `commit()`/`rollback()` call on the session is made inside
the outer block (DESIGN.md SES010).
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tags.db import engine
from tags.models import Post, Tag

log = logging.getLogger(__name__)


def retag(post_id: int, names: list[str]) -> int:
    with Session(engine) as session, session.begin():
        post = session.get(Post, post_id)
        added = 0
        for name in names:
            try:
                with session.begin_nested():
                    post.tags.append(Tag(name=name))
                added += 1
            except IntegrityError:
                log.debug("tag %s exists", name)
        return added
