"""Reachability of the servers the tests use, and the skip-or-fail policy.

A test that needs a server skips with a reason when the server is
unreachable on a developer's machine, but fails when `CI=true`: CI has every
server, and a silent skip there would hide a regression.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Service:
    name: str
    host: str
    port: int

    def reachable(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1.0):
                return True
        except OSError:
            return False

    def require(self) -> None:
        """Skip (or, on CI, fail) the calling test when the server is unreachable."""
        if self.reachable():
            return
        reason = f"{self.name} is not reachable on {self.host}:{self.port}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI=true: CI must run this test", pytrace=False)
        pytest.skip(reason)


POSTGRES = Service("PostgreSQL", "127.0.0.1", 5432)
MARIADB = Service("MariaDB", "127.0.0.1", 3306)
REDIS = Service("Redis", "127.0.0.1", 6379)

#: SQLAlchemy URLs for the local servers (trust auth / empty root password).
POSTGRES_URL = os.environ.get(
    "SESSIONSAFE_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
POSTGRES_ASYNC_URL = os.environ.get(
    "SESSIONSAFE_PG_ASYNC_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
MARIADB_URL = os.environ.get("SESSIONSAFE_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
MARIADB_ASYNC_URL = os.environ.get(
    "SESSIONSAFE_MARIADB_ASYNC_URL", "mysql+aiomysql://root@127.0.0.1:3306/test"
)
REDIS_URL = os.environ.get("SESSIONSAFE_REDIS_URL", "redis://127.0.0.1:6379")
