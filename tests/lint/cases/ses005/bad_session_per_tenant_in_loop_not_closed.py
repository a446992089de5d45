"""A session per tenant inside a loop, none of them closed.

Each iteration opens a session on the tenant's engine and drops it; with hundreds of
tenants the process holds hundreds of connections (DESIGN.md SES005).
"""
from __future__ import annotations

from sqlalchemy import func, select

from saas.db import SessionLocal, tenant_engine
from saas.models import Invoice, Tenant


def outstanding_by_tenant(tenants: list[Tenant]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for tenant in tenants:
        session = SessionLocal(bind=tenant_engine(tenant.database_url))  # error: SES005
        totals[tenant.slug] = session.scalar(
            select(func.coalesce(func.sum(Invoice.amount_cents), 0)).where(Invoice.paid.is_(False))
        )
    return totals
