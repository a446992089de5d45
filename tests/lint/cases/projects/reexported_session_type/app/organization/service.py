"""Organization review workflow; the request's session is committed by the route layer."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from app.models import Organization, OrganizationReview
from app.postgres import AsyncReadSession, AsyncSession


class OrganizationService:
    async def get(self, session: AsyncReadSession, organization_id: int) -> Organization | None:
        return await session.scalar(select(Organization).where(Organization.id == organization_id))

    async def confirm_reviewed(self, session: AsyncSession, organization: Organization, threshold: int) -> None:
        organization.next_review_threshold = threshold
        organization.reviewed_at = datetime.now(timezone.utc)
        session.add(OrganizationReview(organization_id=organization.id, threshold=threshold))
        await session.commit()  # error: SES001


organization = OrganizationService()
