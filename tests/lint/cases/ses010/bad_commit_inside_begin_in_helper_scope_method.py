"""Service method owning a session from a factory attribute: `begin()` block, then commit.

The method creates the session (`self._factory.begin()`), so no SES001; the explicit
commit inside the block is SES010, and the audit insert after it fails.
"""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from hr.models import AuditLog, LeaveRequest


class LeaveService:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def approve(self, request_id: int, manager_id: int) -> None:
        with self._factory.begin() as session:
            leave = session.get(LeaveRequest, request_id)
            leave.status = "approved"
            leave.approved_by = manager_id
            session.commit()  # error: SES010
            session.add(AuditLog(actor_id=manager_id, action="approve-leave", target_id=request_id))
