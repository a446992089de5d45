"""pytest plugin: every test runs in a transaction that is rolled back.

Opt-in (it imports SQLAlchemy, so it is never loaded into pytest runs that did
not ask for it)::

    # conftest.py
    pytest_plugins = ["sessionsafe.pytest_plugin"]

    # pyproject.toml
    [tool.pytest.ini_options]
    sessionsafe_db_url = "postgresql+psycopg://postgres@127.0.0.1/test"

or ``pytest -p sessionsafe.pytest_plugin --sessionsafe-db-url=...``.

Fixtures (the async ones need pytest-asyncio):

``sessionsafe_engine`` (session scope)
    An `Engine` for ``--sessionsafe-db-url`` / ``sessionsafe_db_url``. Override
    it in your conftest to use your own engine (and create your schema).
``sessionsafe_connection``
    A connection with an outer transaction, rolled back after the test.
``sessionsafe_sessionmaker``
    A `sessionmaker` bound to that connection with
    ``join_transaction_mode="create_savepoint"``: give it to the application
    (e.g. as a FastAPI dependency override) and the application's own commits
    only release savepoints inside the outer transaction.
``sessionsafe_session``
    A session from that sessionmaker.
``sessionsafe_async_engine``, ``sessionsafe_async_connection``,
``sessionsafe_async_sessionmaker``, ``sessionsafe_async_session``
    The same for ``AsyncSession`` (``--sessionsafe-async-db-url`` /
    ``sessionsafe_async_db_url``; the engine is per test, so it always belongs
    to the test's event loop).

So nothing a test writes is visible to the next one, even when the code under
test commits. A test that commits the outer transaction itself
(``connection.commit()``) is reported as an error, because its data escaped.

Commit guard: with ``--sessionsafe-guard`` (or ``sessionsafe_guard = true`` in
the ini file, or ``@pytest.mark.sessionsafe_guard`` on a test),
``sessionsafe_session`` / ``sessionsafe_async_session`` are units of work of
`sessionsafe.runtime`: a ``commit()`` from the code under test raises
`CommitInsideUnitOfWork` at the offending line and fails the test; if the code
swallows that error, the test errors at teardown.

SQLite: the standard ``sqlite3`` driver does not emit ``BEGIN`` itself, which
breaks savepoints. The engines this plugin creates get
`enable_sqlite_savepoints`; call it on your own SQLite engine too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker

from sessionsafe.runtime import AsyncUnitOfWork, UnitOfWork

__all__ = ["enable_sqlite_savepoints"]

GUARD_MARKER = "sessionsafe_guard"
_CALL_FAILED = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sessionsafe", "sessionsafe: transactional test sessions")
    group.addoption(
        "--sessionsafe-db-url",
        dest="sessionsafe_db_url",
        help="SQLAlchemy URL for the sessionsafe_engine fixture",
    )
    group.addoption(
        "--sessionsafe-async-db-url",
        dest="sessionsafe_async_db_url",
        help="SQLAlchemy async URL for the sessionsafe_async_engine fixture",
    )
    group.addoption(
        "--sessionsafe-guard",
        dest="sessionsafe_guard",
        action="store_true",
        default=None,
        help="fail tests whose code under test commits the sessionsafe session",
    )
    parser.addini("sessionsafe_db_url", "SQLAlchemy URL for sessionsafe_engine", default="")
    parser.addini(
        "sessionsafe_async_db_url", "SQLAlchemy async URL for sessionsafe_async_engine", default=""
    )
    parser.addini("sessionsafe_guard", "commit guard on for every test", type="bool", default=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{GUARD_MARKER}: fail the test if the code under test commits the sessionsafe session",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


def enable_sqlite_savepoints(engine: Engine) -> None:
    """Make the pysqlite/aiosqlite driver emit BEGIN so SAVEPOINTs nest properly.

    This is SQLAlchemy's documented recipe for "Serializable isolation /
    Savepoints / Transactional DDL"; pass ``async_engine.sync_engine`` for
    aiosqlite.
    """

    @event.listens_for(engine, "connect")
    def _driver_leaves_transactions_alone(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _emit_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def _configured_url(config: pytest.Config, name: str, fixture: str) -> str:
    url = config.getoption(name) or config.getini(name)
    if not url:
        option = "--" + name.replace("_", "-")
        raise pytest.UsageError(
            f"the {fixture} fixture needs a database URL: pass {option}=URL, set {name} in "
            f"the [tool.pytest.ini_options] of pyproject.toml, or override {fixture} in "
            f"your conftest.py"
        )
    return str(url)


def _guard_on(request: pytest.FixtureRequest) -> bool:
    config = request.config
    option = config.getoption("sessionsafe_guard")
    enabled = bool(config.getini("sessionsafe_guard")) if option is None else bool(option)
    return enabled or request.node.get_closest_marker(GUARD_MARKER) is not None


def _test_failed(request: pytest.FixtureRequest) -> bool:
    return bool(request.node.stash.get(_CALL_FAILED, True))


def _outer_transaction_escaped(fixture: str) -> RuntimeError:
    return RuntimeError(
        f"the outer transaction of {fixture} was committed during the test, so its data "
        f"escaped into the database; commit through a Session made by "
        f"sessionsafe_sessionmaker (it only releases a savepoint), never through the connection"
    )


@pytest.fixture(scope="session")
def sessionsafe_engine(pytestconfig: pytest.Config) -> Iterator[Engine]:
    url = _configured_url(pytestconfig, "sessionsafe_db_url", "sessionsafe_engine")
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        enable_sqlite_savepoints(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessionsafe_connection(sessionsafe_engine: Engine) -> Iterator[Connection]:
    with sessionsafe_engine.connect() as connection:
        outer = connection.begin()
        yield connection
        if not outer.is_active:
            raise _outer_transaction_escaped("sessionsafe_connection")
        outer.rollback()


@pytest.fixture
def sessionsafe_sessionmaker(sessionsafe_connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(bind=sessionsafe_connection, join_transaction_mode="create_savepoint")


@pytest.fixture
def sessionsafe_session(
    request: pytest.FixtureRequest, sessionsafe_sessionmaker: sessionmaker[Session]
) -> Iterator[Session]:
    with sessionsafe_sessionmaker() as session:
        if not _guard_on(request):
            yield session
            return
        unit = UnitOfWork.adopt(session)
        yield session
        if _test_failed(request):
            unit.close()  # already reported: roll back quietly
        else:
            unit.commit()  # raises if the test's code committed and swallowed the guard's error


try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - the async fixtures need pytest-asyncio
    pass
else:

    @pytest_asyncio.fixture
    async def sessionsafe_async_engine(pytestconfig: pytest.Config) -> AsyncIterator[AsyncEngine]:
        url = _configured_url(pytestconfig, "sessionsafe_async_db_url", "sessionsafe_async_engine")
        engine = create_async_engine(url)
        if engine.dialect.name == "sqlite":
            enable_sqlite_savepoints(engine.sync_engine)
        yield engine
        await engine.dispose()

    @pytest_asyncio.fixture
    async def sessionsafe_async_connection(
        sessionsafe_async_engine: AsyncEngine,
    ) -> AsyncIterator[AsyncConnection]:
        async with sessionsafe_async_engine.connect() as connection:
            outer = await connection.begin()
            yield connection
            if not outer.is_active:
                raise _outer_transaction_escaped("sessionsafe_async_connection")
            await outer.rollback()

    @pytest.fixture
    def sessionsafe_async_sessionmaker(
        sessionsafe_async_connection: AsyncConnection,
    ) -> async_sessionmaker[AsyncSession]:
        return async_sessionmaker(
            bind=sessionsafe_async_connection, join_transaction_mode="create_savepoint"
        )

    @pytest_asyncio.fixture
    async def sessionsafe_async_session(
        request: pytest.FixtureRequest,
        sessionsafe_async_sessionmaker: async_sessionmaker[AsyncSession],
    ) -> AsyncIterator[AsyncSession]:
        async with sessionsafe_async_sessionmaker() as session:
            if not _guard_on(request):
                yield session
                return
            unit = AsyncUnitOfWork.adopt(session)
            yield session
            if _test_failed(request):
                await unit.close()
            else:
                await unit.commit()
