"""The handler rolls back the audit session, but the failure was on the main session.

Only a rollback/close of *the session whose work failed* clears the finding
(DESIGN.md SES002: "neither rolls back/closes that session"). `session` is a parameter
and is used again by the caller.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audit.models import AuditRecord
from accounts.models import Account


def rename_account(session: Session, audit_session: Session, account: Account, new_name: str) -> bool:
    audit_session.add(AuditRecord(entity="account", entity_id=account.id, action="rename"))
    try:
        account.name = new_name
        session.flush()
    except IntegrityError:  # error: SES002
        audit_session.rollback()
        return False
    audit_session.flush()
    return True
