"""Inside one session's `begin()` block, a *different* session is committed.

The audit session is created separately (it must survive a rollback of the main work), so
its commit does not touch the enclosing block's transaction (DESIGN.md SES010: the
session of the enclosing block).
"""
from __future__ import annotations

from audit.db import AuditSessionLocal
from audit.models import AccessAttempt
from vault.db import SessionLocal
from vault.models import Secret


def read_secret(secret_id: int, requester: str) -> str:
    with SessionLocal.begin() as session:
        secret = session.get(Secret, secret_id)
        with AuditSessionLocal() as audit:
            audit.add(AccessAttempt(secret_id=secret_id, requester=requester, granted=secret is not None))
            audit.commit()
        if secret is None:
            raise KeyError(secret_id)
        secret.read_count += 1
        return secret.value
