"""Public database API of the application (re-exports the kit's types)."""
from __future__ import annotations

from app.kit.db import AsyncReadSession, AsyncSession, create_sessionmaker

__all__ = ["AsyncReadSession", "AsyncSession", "create_sessionmaker"]
