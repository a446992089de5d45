"""Committing several *different* sessions in a loop (one per shard) at the end of a job.

The loop variable is a different session on every iteration, each committed once; no
single session's unit of work is split (DESIGN.md SES004 needs one session created
outside the loop and committed repeatedly).
"""
from __future__ import annotations

from contextlib import ExitStack

from sqlalchemy.orm import Session

from sharding.db import shard_sessionmakers
from sharding.models import UserProfile


def rename_everywhere(old_domain: str, new_domain: str) -> int:
    changed = 0
    with ExitStack() as stack:
        sessions: list[Session] = [stack.enter_context(factory()) for factory in shard_sessionmakers()]
        for session in sessions:
            for profile in session.query(UserProfile).filter(UserProfile.email.endswith(old_domain)):
                profile.email = profile.email[: -len(old_domain)] + new_domain
                changed += 1
        for session in sessions:
            session.commit()
    return changed
