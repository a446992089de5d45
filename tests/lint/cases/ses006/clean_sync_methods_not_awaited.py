"""`add`, `add_all`, `expunge`, `expire` and `in_transaction` are synchronous on `AsyncSession`.

Issue 3, SES006: these are not coroutines and must not be flagged; the coroutine methods
here are all awaited.
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from projects.models import Milestone, Project


async def plan_project(session: AsyncSession, name: str, milestones: list[str]) -> Project:
    project = Project(name=name)
    session.add(project)
    session.add_all(Milestone(project=project, title=title, position=i) for i, title in enumerate(milestones))
    if not session.in_transaction():
        raise RuntimeError("expected the request transaction to be open")
    await session.flush()
    draft = project.milestones[0] if project.milestones else None
    if draft is not None and draft.title.startswith("(draft)"):
        session.expunge(draft)
    session.expire(project, ["updated_at"])
    await session.refresh(project)
    return project
