"""Workspace routes. The dependency commits, so handlers only flush."""
from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.db import SessionDep
from api.errors import discard, raise_conflict
from api.models import Member, Workspace

router = APIRouter(prefix="/workspaces")


@router.post("", status_code=201)
async def create_workspace(slug: str, session: SessionDep) -> dict:
    workspace = Workspace(slug=slug)
    session.add(workspace)
    try:
        await session.flush()
    except IntegrityError:
        raise_conflict(f"workspace {slug} exists")
    return {"id": workspace.id}


@router.post("/{slug}/members")
async def add_member(slug: str, email: str, session: SessionDep) -> dict:
    workspace = (await session.scalars(select(Workspace).where(Workspace.slug == slug))).one()
    member = Member(workspace_id=workspace.id, email=email.lower())
    session.add(member)
    await session.commit()  # error: SES001
    return {"id": member.id}


@router.post("/{slug}/invites")
async def invite(slug: str, emails: list[str], session: SessionDep) -> dict:
    workspace = (await session.scalars(select(Workspace).where(Workspace.slug == slug))).one()
    session.add_all(Member(workspace_id=workspace.id, email=e.lower()) for e in emails)
    try:
        await session.flush()
    except IntegrityError:
        await discard(session)
        return {"invited": 0}
    return {"invited": len(emails)}


@router.post("/{slug}/rename")
async def rename(slug: str, new_slug: str, session: SessionDep) -> dict:
    workspace = (await session.scalars(select(Workspace).where(Workspace.slug == slug))).one()
    workspace.slug = new_slug
    try:
        await session.flush()
    except IntegrityError:  # error: SES002
        return {"renamed": False}
    return {"renamed": True}
