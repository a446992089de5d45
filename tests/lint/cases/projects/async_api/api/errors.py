"""Shared error helpers."""
from __future__ import annotations

from typing import NoReturn

from fastapi import HTTPException
from sqlalchemy.ext.asyncio import AsyncSession


def raise_conflict(detail: str) -> NoReturn:
    raise HTTPException(status_code=409, detail=detail)


async def discard(session: AsyncSession) -> None:
    await session.rollback()
