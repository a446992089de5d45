"""Backends, per-test tables and read-back helpers for the runtime tests.

Every test gets its own table (a random name), created before and dropped
after, so tests can run against the shared servers in any order. What a test
asserts as stored is read back through a separate ``NullPool`` engine, i.e. a
connection that never took part in the test's transactions.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, String, create_engine, event, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

from tests.services import (
    MARIADB,
    MARIADB_ASYNC_URL,
    MARIADB_URL,
    POSTGRES,
    POSTGRES_ASYNC_URL,
    POSTGRES_URL,
    Service,
)


@dataclass(frozen=True)
class Backend:
    """A database and driver the runtime must support."""

    id: str
    dialect: str  # "sqlite", "postgresql" or "mariadb"
    service: Service | None
    url_template: str  # "{path}" is replaced by a per-test SQLite file

    def url(self, tmp_path: Path) -> str:
        return self.url_template.format(path=tmp_path / "test.sqlite3")

    def require(self) -> None:
        if self.service is not None:
            self.service.require()


SYNC_BACKENDS = [
    Backend("sqlite", "sqlite", None, "sqlite:///{path}"),
    Backend("postgresql-psycopg", "postgresql", POSTGRES, POSTGRES_URL),
    Backend("mariadb-pymysql", "mariadb", MARIADB, MARIADB_URL),
]
ASYNC_BACKENDS = [
    Backend("sqlite-aiosqlite", "sqlite", None, "sqlite+aiosqlite:///{path}"),
    Backend("postgresql-asyncpg", "postgresql", POSTGRES, POSTGRES_ASYNC_URL),
    Backend("mariadb-aiomysql", "mariadb", MARIADB, MARIADB_ASYNC_URL),
]


def use_real_sqlite_transactions(engine: Engine) -> None:
    """Make pysqlite emit BEGIN itself, so SAVEPOINTs nest in the real transaction.

    With pysqlite's default, a savepoint that opens a transaction is committed
    for good on RELEASE (reference/semantics.md section 5, trap H). This is
    SQLAlchemy's documented recipe.
    """

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _emit_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


@dataclass
class Table:
    """One test's table: an ORM class with a unique ``event`` column, and a reader."""

    model: Any
    reader: Engine
    created: list[Any] = field(default_factory=list)

    @property
    def name(self) -> str:
        name: str = self.model.__tablename__
        return name

    def stored(self) -> list[str]:
        """The events stored, sorted, read through a connection of its own."""
        with self.reader.connect() as connection:
            return sorted(connection.scalars(select(self.model.event)))

    def insert_committed(self, *events: str) -> None:
        with self.reader.begin() as connection:
            for name in events:
                connection.execute(self.model.__table__.insert().values(event=name))


def make_table(reader: Engine) -> Table:
    """Create a fresh ``ss_<random>`` table with ``id`` and a unique ``event``."""
    name = f"ss_{uuid.uuid4().hex[:12]}"
    base: Any = type(f"Base_{name}", (DeclarativeBase,), {})
    model = type(
        f"Event_{name}",
        (base,),
        {
            "__tablename__": name,
            "id": mapped_column(primary_key=True),
            "event": mapped_column(String(50), unique=True),
            "__annotations__": {"id": Mapped[int], "event": Mapped[str]},
        },
    )
    model.__table__.create(reader)
    return Table(model=model, reader=reader)


def drop_table(table: Table) -> None:
    with table.reader.begin() as connection:
        connection.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
    table.model.registry.dispose()


@pytest.fixture(params=SYNC_BACKENDS, ids=lambda backend: backend.id)
def backend(request: pytest.FixtureRequest) -> Backend:
    chosen: Backend = request.param
    chosen.require()
    return chosen


@pytest.fixture(params=ASYNC_BACKENDS, ids=lambda backend: backend.id)
def async_backend(request: pytest.FixtureRequest) -> Backend:
    chosen: Backend = request.param
    chosen.require()
    return chosen


def _sync_url_of(backend: Backend, tmp_path: Path) -> str:
    url = backend.url(tmp_path)
    for async_driver, sync_driver in (
        ("+aiosqlite", ""),
        ("+asyncpg", "+psycopg"),
        ("+aiomysql", "+pymysql"),
    ):
        url = url.replace(async_driver, sync_driver)
    return url


@pytest.fixture
def engine(backend: Backend, tmp_path: Path) -> Iterator[Engine]:
    created = create_engine(backend.url(tmp_path))
    if backend.dialect == "sqlite":
        use_real_sqlite_transactions(created)
    yield created
    created.dispose()


@pytest.fixture
def table(backend: Backend, tmp_path: Path) -> Iterator[Table]:
    reader = create_engine(backend.url(tmp_path), poolclass=NullPool)
    made = make_table(reader)
    yield made
    drop_table(made)
    reader.dispose()


@pytest.fixture
async def async_engine(async_backend: Backend, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    created = create_async_engine(async_backend.url(tmp_path))
    if async_backend.dialect == "sqlite":
        use_real_sqlite_transactions(created.sync_engine)
    yield created
    await created.dispose()


@pytest.fixture
def async_table(async_backend: Backend, tmp_path: Path) -> Iterator[Table]:
    reader = create_engine(_sync_url_of(async_backend, tmp_path), poolclass=NullPool)
    made = make_table(reader)
    yield made
    drop_table(made)
    reader.dispose()


class StatementLog:
    """Every statement an engine sends, plus COMMIT/ROLLBACK, in order."""

    def __init__(self, engine: Engine) -> None:
        self.entries: list[str] = []
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)
        self.engine = engine

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.entries.append(statement)

    def _commit(self, _conn: Any) -> None:
        self.entries.append("COMMIT")

    def _rollback(self, _conn: Any) -> None:
        self.entries.append("ROLLBACK")

    def take(self) -> list[str]:
        taken, self.entries = self.entries, []
        return taken

    def stop(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)
