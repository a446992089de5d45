"""UnitOfWorkMiddleware against a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from sessionsafe.integrations.starlette import (
    UnitOfWorkMiddleware,
    current_async_session,
    current_session,
)
from tests.integrations.harness import (
    Database,
    create_async_sqlalchemy_engine,
    create_sync_engine,
    serve_asgi,
)

MISSING_OWNER = 999


def async_routes(database: Database) -> list[Route]:
    items = database.items

    async def insert(request: Request) -> None:
        owner = int(request.query_params.get("owner", 1))
        email = request.query_params["email"]
        await current_async_session().execute(items.insert().values(email=email, owner_id=owner))

    async def create(request: Request) -> Response:
        await insert(request)
        return JSONResponse({"created": True}, status_code=201)

    async def create_then_reject(request: Request) -> Response:
        await insert(request)
        return JSONResponse({"error": "rejected"}, status_code=422)

    async def create_then_raise_http(request: Request) -> Response:
        await insert(request)
        raise HTTPException(status_code=409, detail="conflict")

    async def create_then_crash(request: Request) -> Response:
        await insert(request)
        raise RuntimeError("handler bug")

    async def stream(request: Request) -> Response:
        await insert(request)

        async def count_rows() -> AsyncIterator[str]:
            session = request.state.sessionsafe_session
            yield "rows="
            yield str(await session.scalar(select(func.count()).select_from(items)))

        return StreamingResponse(count_rows())

    return [
        Route("/items", create, methods=["POST"]),
        Route("/items-then-reject", create_then_reject, methods=["POST"]),
        Route("/items-then-raise-http", create_then_raise_http, methods=["POST"]),
        Route("/items-then-crash", create_then_crash, methods=["POST"]),
        Route("/items-then-stream", stream, methods=["POST"]),
    ]


def sync_routes(database: Database) -> list[Route]:
    items = database.items

    def create(request: Request) -> Response:
        owner = int(request.query_params.get("owner", 1))
        email = request.query_params["email"]
        current_session().execute(items.insert().values(email=email, owner_id=owner))
        return PlainTextResponse("created", status_code=201)

    def create_then_crash(request: Request) -> Response:
        current_session().execute(items.insert().values(email=request.query_params["email"]))
        raise RuntimeError("handler bug")

    return [
        Route("/items", create, methods=["POST"]),
        Route("/items-then-crash", create_then_crash, methods=["POST"]),
    ]


@contextmanager
def running_app(database: Database, kind: str, **options: Any) -> Iterator[httpx.Client]:
    """Serve the `kind` ("async" or "sync") app on uvicorn; yield a client for it."""
    engine = create_sync_engine(database.url)
    # NullPool: asyncpg connections must not outlive the server thread's loop.
    async_engine = create_async_sqlalchemy_engine(database.async_url, poolclass=NullPool)
    if kind == "async":
        routes = async_routes(database)
        factory: object = async_sessionmaker(async_engine)
    else:
        routes = sync_routes(database)
        factory = sessionmaker(engine)
    middleware = Middleware(UnitOfWorkMiddleware, factory=factory, **options)
    app = Starlette(routes=routes, middleware=[middleware])
    try:
        with serve_asgi(app) as url, httpx.Client(base_url=url, timeout=10.0) as http:
            yield http
    finally:
        engine.dispose()


@pytest.fixture(params=["async", "sync"])
def client(request: pytest.FixtureRequest, database: Database) -> Iterator[httpx.Client]:
    with running_app(database, request.param) as http:
        yield http


@pytest.fixture
def async_client(database: Database) -> Iterator[httpx.Client]:
    with running_app(database, "async") as http:
        yield http


def test_success_is_committed_before_the_client_receives_the_response(
    client: httpx.Client, database: Database
) -> None:
    response = client.post("/items", params={"email": "ann@example.com"})

    assert response.status_code == 201
    assert database.stored_emails() == ["ann@example.com"]


def test_failing_commit_answers_500_and_stores_nothing(
    client: httpx.Client, database: Database
) -> None:
    response = client.post("/items", params={"email": "bob@example.com", "owner": MISSING_OWNER})

    assert response.status_code == 500
    assert "could not be committed" in response.text
    assert database.stored_emails() == []


def test_handler_exception_answers_500_and_rolls_back(
    client: httpx.Client, database: Database
) -> None:
    response = client.post("/items-then-crash", params={"email": "ann@example.com"})

    assert response.status_code == 500
    assert database.stored_emails() == []


@pytest.mark.parametrize(
    ("path", "status"), [("/items-then-reject", 422), ("/items-then-raise-http", 409)]
)
def test_error_status_rolls_back(
    async_client: httpx.Client, database: Database, path: str, status: int
) -> None:
    response = async_client.post(path, params={"email": "ann@example.com"})

    assert response.status_code == status
    assert database.stored_emails() == []


def test_streaming_response_is_committed_first_and_may_still_read(
    async_client: httpx.Client, database: Database
) -> None:
    response = async_client.post("/items-then-stream", params={"email": "ann@example.com"})

    assert response.status_code == 200
    assert response.text == "rows=1"
    assert database.stored_emails() == ["ann@example.com"]


def test_custom_policy_can_commit_a_client_error_response(database: Database) -> None:
    with running_app(database, "async", should_commit=lambda status: status < 500) as http:
        response = http.post("/items-then-reject", params={"email": "kept@example.com"})

    assert response.status_code == 422
    assert database.stored_emails() == ["kept@example.com"]


def test_current_session_outside_a_request_says_how_to_fix_it() -> None:
    with pytest.raises(LookupError, match="add the middleware"):
        current_session()
