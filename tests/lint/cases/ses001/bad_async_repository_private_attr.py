"""Async repository storing the injected `AsyncSession` as `self._session`.

The repository is built per request by a dependency that passes the request's session;
`create` awaits `self._session.commit()` on a session it does not own (DESIGN.md SES001,
`self.<attr>` assigned from a parameter annotated `AsyncSession`).
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import ApiKey
from accounts.security import generate_key, hash_key


class ApiKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find_by_prefix(self, prefix: str) -> Optional[ApiKey]:
        result = await self._session.execute(select(ApiKey).where(ApiKey.prefix == prefix))
        return result.scalar_one_or_none()

    async def create(self, owner_id: int, label: str) -> tuple[ApiKey, str]:
        raw = generate_key()
        key = ApiKey(owner_id=owner_id, label=label, prefix=raw[:8], digest=hash_key(raw))
        self._session.add(key)
        await self._session.commit()  # error: SES001
        return key, raw

    async def revoke(self, key: ApiKey) -> None:
        key.revoked = True
        await self._session.flush()
