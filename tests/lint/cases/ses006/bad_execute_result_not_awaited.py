"""`result = session.execute(stmt)` on an `AsyncSession`, result used as if it were rows.

`execute` is a coroutine method; the `.scalar_one_or_none()` call on the coroutine fails
(DESIGN.md SES006).
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.models import User


async def find_user(session: AsyncSession, email: str) -> Optional[User]:
    result = session.execute(select(User).where(User.email == email.lower()))  # error: SES006
    return result.scalar_one_or_none()
