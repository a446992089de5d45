"""FastAPI integration against a real uvicorn server on 127.0.0.1.

Each request inserts one item. An item whose owner does not exist violates a
DEFERRABLE INITIALLY DEFERRED foreign key: the INSERT succeeds and the
failure surfaces only at COMMIT, which is exactly when a post-response commit
would lie to the client.
"""

# No `from __future__ import annotations`: the routes are defined inside
# build_app() with local Annotated aliases, which FastAPI can only see when
# annotations are evaluated at definition time.

from collections.abc import Iterator
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from sessionsafe.integrations.fastapi import (
    async_session_dependency,
    async_session_depends,
    session_dependency,
)
from sessionsafe.integrations.starlette import UnitOfWorkMiddleware, current_session
from tests.integrations.harness import (
    Database,
    create_async_sqlalchemy_engine,
    create_sync_engine,
    serve_asgi,
)

MISSING_OWNER = 999


def build_app(database: Database, engine: Engine, async_engine: AsyncEngine) -> FastAPI:
    session_factory = sessionmaker(engine)
    async_session_factory = async_sessionmaker(async_engine)
    items = database.items

    DB = session_dependency(session_factory)
    AsyncDB = async_session_dependency(async_session_factory)
    TypedAsyncDB = Annotated[AsyncSession, async_session_depends(async_session_factory)]

    app = FastAPI()

    @app.post("/sync/items")
    def create_sync(email: str, db: DB, owner: int = 1) -> dict[str, str]:
        db.execute(items.insert().values(email=email, owner_id=owner))
        return {"email": email}

    @app.post("/async/items")
    async def create_async(email: str, db: AsyncDB, owner: int = 1) -> dict[str, str]:
        await db.execute(items.insert().values(email=email, owner_id=owner))
        return {"email": email}

    @app.post("/async-typed/items")
    async def create_async_typed(email: str, db: TypedAsyncDB) -> dict[str, str]:
        await db.execute(items.insert().values(email=email, owner_id=1))
        return {"email": email}

    @app.post("/sync/items-then-conflict")
    def create_then_conflict(email: str, db: DB) -> None:
        db.execute(items.insert().values(email=email, owner_id=1))
        raise HTTPException(status_code=409, detail="conflict")

    @app.post("/async/items-then-crash")
    async def create_then_crash(email: str, db: AsyncDB) -> None:
        await db.execute(items.insert().values(email=email, owner_id=1))
        raise RuntimeError("endpoint bug")

    @app.post("/sync/items-business-commit")
    def create_and_commit(email: str, db: DB) -> dict[str, str]:
        db.execute(items.insert().values(email=email, owner_id=1))
        db.commit()
        return {"email": email}

    @app.post("/async/items-swallow-duplicate")
    async def swallow_duplicate(email: str, db: AsyncDB) -> dict[str, str]:
        try:
            for _ in range(2):
                await db.execute(items.insert().values(email=email, owner_id=1))
        except IntegrityError:
            return {"email": "duplicate ignored"}  # seed 000: no rollback
        return {"email": email}

    @app.get("/sync/items/stream")
    def stream_items(db: DB) -> StreamingResponse:
        emails = list(db.scalars(select(items.c.email).order_by(items.c.id)))
        return StreamingResponse(iter(f"{email}\n" for email in emails))

    # The bug the integration exists for: FastAPI's default yield scope.
    def tutorial_session() -> Iterator[Session]:
        with session_factory() as session:
            yield session
            session.commit()

    @app.post("/tutorial/items")
    def create_tutorial(
        email: str, db: Annotated[Session, Depends(tutorial_session)], owner: int = 1
    ) -> dict[str, str]:
        db.execute(items.insert().values(email=email, owner_id=owner))
        return {"email": email}

    return app


@pytest.fixture
def base_url(database: Database) -> Iterator[str]:
    engine = create_sync_engine(database.url)
    # NullPool: asyncpg connections belong to the server thread's event loop,
    # so none may outlive a request and be disposed of from the test's loop.
    async_engine = create_async_sqlalchemy_engine(database.async_url, poolclass=NullPool)
    try:
        with serve_asgi(build_app(database, engine, async_engine)) as url:
            yield url
    finally:
        engine.dispose()


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10.0) as http:
        yield http


@pytest.mark.parametrize("database", ["sqlite", "postgresql", "mariadb"], indirect=True)
@pytest.mark.parametrize("flavour", ["sync", "async", "async-typed"])
def test_row_is_committed_before_the_client_receives_the_response(
    client: httpx.Client, database: Database, flavour: str
) -> None:
    response = client.post(f"/{flavour}/items", params={"email": "ann@example.com"})

    assert response.status_code == 200, response.text
    assert database.stored_emails() == ["ann@example.com"]


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_failing_commit_returns_500_and_stores_nothing(
    client: httpx.Client, database: Database, flavour: str
) -> None:
    response = client.post(
        f"/{flavour}/items", params={"email": "orphan@example.com", "owner": MISSING_OWNER}
    )

    assert response.status_code == 500
    assert database.stored_emails() == []


def test_default_yield_scope_reports_success_for_a_commit_that_failed(
    client: httpx.Client, database: Database
) -> None:
    """The measured FastAPI behaviour this integration replaces (semantics.md §7)."""
    response = client.post(
        "/tutorial/items", params={"email": "orphan@example.com", "owner": MISSING_OWNER}
    )

    assert response.status_code == 200
    assert database.stored_emails() == []


def test_http_exception_rolls_the_request_back(client: httpx.Client, database: Database) -> None:
    response = client.post("/sync/items-then-conflict", params={"email": "ann@example.com"})

    assert response.status_code == 409
    assert database.stored_emails() == []


def test_endpoint_exception_returns_500_and_rolls_back(
    client: httpx.Client, database: Database
) -> None:
    response = client.post("/async/items-then-crash", params={"email": "ann@example.com"})

    assert response.status_code == 500
    assert database.stored_emails() == []


def test_commit_in_business_code_is_refused_and_nothing_is_stored(
    client: httpx.Client, database: Database
) -> None:
    response = client.post("/sync/items-business-commit", params={"email": "ann@example.com"})

    assert response.status_code == 500
    assert database.stored_emails() == []


def test_swallowed_database_error_returns_500_and_stores_nothing(
    client: httpx.Client, database: Database
) -> None:
    response = client.post("/async/items-swallow-duplicate", params={"email": "dup@example.com"})

    assert response.status_code == 500
    assert database.stored_emails() == []


def test_streaming_endpoint_streams_rows_loaded_inside_the_unit(
    client: httpx.Client, database: Database
) -> None:
    for email in ("a@example.com", "b@example.com"):
        assert client.post("/sync/items", params={"email": email}).status_code == 200

    response = client.get("/sync/items/stream")

    assert response.status_code == 200
    assert response.text == "a@example.com\nb@example.com\n"


async def test_each_async_request_is_visible_to_other_connections_when_answered(
    base_url: str, database: Database
) -> None:
    emails = [f"user{number}@example.com" for number in range(10)]
    async with httpx.AsyncClient(base_url=base_url, timeout=10.0) as http:
        for email in emails:
            response = await http.post("/async/items", params={"email": email})
            assert response.status_code == 200
            assert email in database.stored_emails()

    assert sorted(database.stored_emails()) == sorted(emails)


def test_middleware_session_can_stream_from_the_database(database: Database) -> None:
    engine = create_sync_engine(database.url)
    items = database.items
    app = FastAPI()
    app.add_middleware(UnitOfWorkMiddleware, factory=sessionmaker(engine))

    @app.post("/items-then-stream")
    def create_then_stream(
        email: str, db: Annotated[Session, Depends(current_session)]
    ) -> StreamingResponse:
        db.execute(items.insert().values(email=email, owner_id=1))

        def rows() -> Iterator[str]:
            # Runs after the middleware committed, while the body is sent.
            yield from (f"{stored}\n" for stored in db.scalars(select(items.c.email)))

        return StreamingResponse(rows())

    try:
        with serve_asgi(app) as url, httpx.Client(base_url=url, timeout=10.0) as http:
            response = http.post("/items-then-stream", params={"email": "ann@example.com"})
    finally:
        engine.dispose()

    assert response.status_code == 200
    assert response.text == "ann@example.com\n"
    assert database.stored_emails() == ["ann@example.com"]
