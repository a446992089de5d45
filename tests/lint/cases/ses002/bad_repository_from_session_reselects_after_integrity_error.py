"""Async service re-queries through a repository wrapping the failed session.

Modelled on a real fix ("fix session state after concurrent member creation race"):
`repository = MemberRepository.from_session(session)` wraps the request's `AsyncSession`
(a parameter, so it outlives the method); the insert through it races with another
request and raises `IntegrityError`; the handler then looks the existing owner up
through the same repository and returns it. The session is in the failed state, so that
lookup raises `PendingRollbackError` (DESIGN.md SES002, reference/semantics.md §1).
Calls on an object built from the session in this function (`X.from_session(session)`,
`XRepository(session)`) are session work. The real fix wrapped the insert in
`async with session.begin_nested():`.
"""
from __future__ import annotations

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from polar.member.repository import MemberRepository
from polar.models import Customer, Member, MemberRole

log = structlog.get_logger()


class MemberService:
    async def create_owner_member(self, session: AsyncSession, customer: Customer) -> Member:
        repository = MemberRepository.from_session(session)
        existing = await repository.get_owner_by_customer_id(customer.id)
        if existing is not None:
            return existing

        member = Member(customer_id=customer.id, email=customer.email, role=MemberRole.owner)
        try:
            created = await repository.create(member, flush=True)
        except IntegrityError as e:  # error: SES002
            log.info("member.create_owner_member.race", customer_id=customer.id, error=str(e))
            existing = await repository.get_owner_by_customer_id(customer.id)
            if existing is not None:
                return existing
            raise
        customer.owner = created
        return created
