"""SQLModel's async session type in a helper that commits it.

`sqlmodel.ext.asyncio.session.AsyncSession` is an `AsyncSession`; the helper receives it
from an async route and commits (DESIGN.md SES001).
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from tracker.models import Issue, IssueComment


async def close_issue(session: AsyncSession, issue_id: int, closed_by: int, note: str) -> Issue:
    issue = (await session.exec(select(Issue).where(Issue.id == issue_id))).one()
    issue.state = "closed"
    issue.closed_at = datetime.now(timezone.utc)
    issue.closed_by = closed_by
    if note:
        session.add(IssueComment(issue_id=issue.id, author_id=closed_by, body=note))
    session.add(issue)
    await session.commit()  # error: SES001
    await session.refresh(issue)
    return issue
