"""A modulo condition guards the progress log, but the commit runs on every iteration.

The batch-size exemption applies to a commit *guarded by* the condition; here the commit
is unconditional inside the loop (DESIGN.md SES004).
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from users.db import SessionLocal
from users.models import User
from users.security import rehash

log = logging.getLogger(__name__)


def migrate_password_hashes() -> int:
    with SessionLocal() as session:
        users = session.scalars(select(User).where(User.hash_scheme == "sha1")).all()
        for index, user in enumerate(users, start=1):
            user.password_hash = rehash(user.password_hash)
            user.hash_scheme = "argon2"
            session.commit()  # error: SES004
            if index % 500 == 0:
                log.info("rehashed %d/%d users", index, len(users))
    return len(users)
