"""Real servers and databases for the integration tests.

- `serve_asgi(app)` runs a real uvicorn server on 127.0.0.1 in a thread, so
  tests see the true order of "commit" and "response sent" (TestClient waits
  for the whole ASGI call and hides it).
- `Database` describes one backend (SQLite file, PostgreSQL, MariaDB): URLs,
  a fresh schema with unique table names, and a second-connection reader.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tests.services import (
    MARIADB,
    MARIADB_ASYNC_URL,
    MARIADB_URL,
    POSTGRES,
    POSTGRES_ASYNC_URL,
    POSTGRES_URL,
)

SERVER_START_TIMEOUT_S = 10.0
SERVER_STOP_TIMEOUT_S = 10.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_asgi(app: Any) -> Iterator[str]:
    """Run `app` on a real uvicorn server on 127.0.0.1; yield its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(SERVER_STOP_TIMEOUT_S)
        if thread.is_alive():
            raise RuntimeError(f"uvicorn on 127.0.0.1:{port} did not stop")


@dataclass
class Database:
    """One backend with a private pair of tables: `owners` and `items`.

    `items.owner_id` references `owners.id` with a DEFERRABLE INITIALLY DEFERRED
    foreign key, so inserting an item with a missing owner flushes fine and
    fails only at COMMIT, on SQLite and PostgreSQL alike: the failure the
    integrations must turn into an error response. (MariaDB checks it at once.)
    """

    name: str
    url: str
    async_url: str
    metadata: MetaData
    owners: Table
    items: Table

    @classmethod
    def create(cls, name: str, url: str, async_url: str) -> Database:
        suffix = uuid.uuid4().hex[:10]
        # MariaDB has no deferred constraints: there the check is immediate.
        deferred = name != "mariadb"
        metadata = MetaData()
        owners = Table(f"ss_owners_{suffix}", metadata, Column("id", Integer, primary_key=True))
        items = Table(
            f"ss_items_{suffix}",
            metadata,
            Column("id", Integer, primary_key=True),
            Column("email", String(200), nullable=False, unique=True),
            Column(
                "owner_id",
                Integer,
                ForeignKey(
                    owners.c.id,
                    deferrable=True if deferred else None,
                    initially="DEFERRED" if deferred else None,
                ),
                nullable=True,
            ),
        )
        database = cls(name, url, async_url, metadata, owners, items)
        with database.engine() as engine:
            metadata.create_all(engine)
            with engine.begin() as connection:
                connection.execute(owners.insert().values(id=1))
        return database

    @contextmanager
    def engine(self, **kwargs: Any) -> Iterator[Engine]:
        engine = create_sync_engine(self.url, **kwargs)
        try:
            yield engine
        finally:
            engine.dispose()

    def stored_emails(self) -> list[str]:
        """Read the items table from a brand-new connection (what another client sees)."""
        with self.engine(poolclass=None) as engine, engine.connect() as connection:
            rows = connection.execute(select(self.items.c.email).order_by(self.items.c.id))
            return [row[0] for row in rows]

    def drop(self) -> None:
        with self.engine() as engine:
            self.metadata.drop_all(engine)


def enable_sqlite_foreign_keys(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _foreign_keys_on(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def create_sync_engine(url: str, **kwargs: Any) -> Engine:
    kwargs = {key: value for key, value in kwargs.items() if value is not None}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        enable_sqlite_foreign_keys(engine)
    return engine


def sqlite_database(tmp_path: Path) -> Database:
    path = tmp_path / "integration.sqlite"
    return Database.create("sqlite", f"sqlite:///{path}", f"sqlite+aiosqlite:///{path}")


def postgres_database() -> Database:
    POSTGRES.require()
    return Database.create("postgresql", POSTGRES_URL, POSTGRES_ASYNC_URL)


def mariadb_database() -> Database:
    MARIADB.require()
    return Database.create("mariadb", MARIADB_URL, MARIADB_ASYNC_URL)


def make_database(name: str, tmp_path: Path) -> Database:
    if name == "sqlite":
        return sqlite_database(tmp_path)
    if name == "postgresql":
        return postgres_database()
    if name == "mariadb":
        return mariadb_database()
    raise ValueError(f"unknown backend {name!r}")


def create_async_sqlalchemy_engine(url: str, **kwargs: Any) -> AsyncEngine:
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        enable_sqlite_foreign_keys(engine.sync_engine)
    return engine
