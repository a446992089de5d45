"""A fresh session per iteration, each committed once: per-tenant maintenance.

Each tenant is an independent unit of work with its own session created inside the loop
(DESIGN.md SES004: "a session created per iteration" is fine).
"""
from __future__ import annotations

import logging

from sqlalchemy import delete

from saas.db import SessionLocal, tenant_engine
from saas.models import ExpiredUpload, Tenant

log = logging.getLogger(__name__)


def purge_all_tenants(tenants: list[Tenant]) -> int:
    purged = 0
    for tenant in tenants:
        with SessionLocal(bind=tenant_engine(tenant.database_url)) as session:
            result = session.execute(delete(ExpiredUpload).where(ExpiredUpload.expired.is_(True)))
            session.commit()
        purged += result.rowcount
        log.info("tenant %s: purged %d uploads", tenant.slug, result.rowcount)
    return purged
