"""`sp = session.begin_nested()`; on failure `sp.rollback()` restores the outer transaction.

Rolling back the savepoint object leaves the outer session usable (reference/semantics.md
§5 scenario E; DESIGN.md: savepoints). `sp.commit()` releases the savepoint and is not a
session commit (not SES001).
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orgs.models import Membership, Organization


def add_members(session: Session, org: Organization, user_ids: list[int]) -> list[int]:
    already_members: list[int] = []
    for user_id in user_ids:
        sp = session.begin_nested()
        try:
            session.add(Membership(org=org, user_id=user_id, role="member"))
            session.flush()
            sp.commit()
        except IntegrityError:
            sp.rollback()
            already_members.append(user_id)
    org.member_count = len(org.memberships)
    return already_members
