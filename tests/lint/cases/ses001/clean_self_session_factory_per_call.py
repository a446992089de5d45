"""Gateway class holding a session *factory* and opening a session per call.

`self._sessions` is a `sessionmaker`, not a session; each method creates its own session
with `with self._sessions() as session:` and owns it (DESIGN.md "What owns a session": a
function that creates it).
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from flags.models import FeatureFlag


class FeatureFlagStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def is_enabled(self, key: str, tenant: str) -> bool:
        with self._sessions() as session:
            flag = session.scalars(
                select(FeatureFlag).where(FeatureFlag.key == key, FeatureFlag.tenant == tenant)
            ).first()
            return bool(flag and flag.enabled)

    def set_enabled(self, key: str, tenant: str, enabled: bool) -> None:
        with self._sessions() as session:
            flag: Optional[FeatureFlag] = session.scalars(
                select(FeatureFlag).where(FeatureFlag.key == key, FeatureFlag.tenant == tenant)
            ).first()
            if flag is None:
                flag = FeatureFlag(key=key, tenant=tenant)
                session.add(flag)
            flag.enabled = enabled
            session.commit()
