"""Flask extension with Flask's test client, on a sessionmaker and on Flask-SQLAlchemy 3."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from flask import Flask, abort, request
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from sessionsafe.integrations.flask import SessionSafe
from tests.integrations.harness import Database, create_sync_engine, enable_sqlite_foreign_keys

MISSING_OWNER = 999


def add_routes(app: Flask, database: Database, session: Callable[[], Session]) -> None:
    """The same views for both setups; `session()` returns the request's session."""
    items = database.items

    def insert() -> None:
        owner = int(request.args.get("owner", 1))
        session().execute(items.insert().values(email=request.args["email"], owner_id=owner))

    @app.post("/items")
    def create() -> tuple[dict[str, bool], int]:
        insert()
        return {"created": True}, 201

    @app.post("/items-then-abort")
    def create_then_abort() -> None:
        insert()
        abort(409)

    @app.post("/items-then-reject")
    def create_then_reject() -> tuple[dict[str, str], int]:
        insert()
        return {"error": "rejected"}, 400

    @app.post("/items-then-crash")
    def create_then_crash() -> None:
        insert()
        raise RuntimeError("view bug")

    @app.post("/items-business-commit")
    def create_and_commit() -> tuple[str, int]:
        insert()
        session().commit()
        return "committed", 201

    @app.post("/items-swallow-duplicate")
    def swallow_duplicate() -> tuple[str, int]:
        try:
            insert()
            insert()
            session().flush()
        except IntegrityError:
            return "duplicate ignored", 200  # seed 000: no rollback
        return "stored", 201


@pytest.fixture(params=["sessionmaker", "flask-sqlalchemy"])
def client(request: pytest.FixtureRequest, database: Database) -> Iterator[FlaskClient]:
    app = Flask(__name__)
    if request.param == "sessionmaker":
        engine = create_sync_engine(database.url)
        extension = SessionSafe(app, sessionmaker(engine))
        add_routes(app, database, lambda: extension.session)
        yield app.test_client()
        engine.dispose()
    else:
        app.config["SQLALCHEMY_DATABASE_URI"] = database.url
        db = SQLAlchemy(app)
        with app.app_context():
            if db.engine.dialect.name == "sqlite":
                enable_sqlite_foreign_keys(db.engine)
        SessionSafe(app, db.session)
        add_routes(app, database, db.session)
        yield app.test_client()
        with app.app_context():
            db.engine.dispose()


def test_successful_request_is_committed_before_the_response(
    client: FlaskClient, database: Database
) -> None:
    response = client.post("/items", query_string={"email": "ann@example.com"})

    assert response.status_code == 201
    assert database.stored_emails() == ["ann@example.com"]


def test_failing_commit_answers_500_and_stores_nothing(
    client: FlaskClient, database: Database
) -> None:
    response = client.post(
        "/items", query_string={"email": "bob@example.com", "owner": MISSING_OWNER}
    )

    assert response.status_code == 500
    assert database.stored_emails() == []


@pytest.mark.parametrize(
    ("path", "status"),
    [("/items-then-abort", 409), ("/items-then-reject", 400), ("/items-then-crash", 500)],
)
def test_error_responses_roll_back(
    client: FlaskClient, database: Database, path: str, status: int
) -> None:
    response = client.post(path, query_string={"email": "ann@example.com"})

    assert response.status_code == status
    assert database.stored_emails() == []


def test_commit_in_a_view_is_refused(client: FlaskClient, database: Database) -> None:
    response = client.post("/items-business-commit", query_string={"email": "ann@example.com"})

    assert response.status_code == 500
    assert database.stored_emails() == []


def test_swallowed_failure_fails_its_request_and_not_the_next_one(
    client: FlaskClient, database: Database
) -> None:
    swallowed = client.post("/items-swallow-duplicate", query_string={"email": "dup@example.com"})
    after = client.post("/items", query_string={"email": "next@example.com"})

    assert swallowed.status_code == 500
    assert after.status_code == 201
    assert database.stored_emails() == ["next@example.com"]


def test_session_outside_a_request_says_how_to_fix_it(database: Database) -> None:
    app = Flask(__name__)
    extension = SessionSafe(app, sessionmaker())

    with app.app_context(), pytest.raises(RuntimeError, match="outside a request"):
        _ = extension.session


def test_registering_twice_on_one_app_is_refused() -> None:
    app = Flask(__name__)
    SessionSafe(app, sessionmaker())

    with pytest.raises(RuntimeError, match="already registered"):
        SessionSafe(app, sessionmaker())


def test_warn_guard_lets_a_legacy_view_commit_and_logs_it(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """Migrating a Flask-SQLAlchemy app whose views still call db.session.commit()."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database.url
    db = SQLAlchemy(app)
    SessionSafe(app, db.session, guard="warn")
    add_routes(app, database, db.session)

    with caplog.at_level(logging.WARNING, logger="sessionsafe"):
        response = app.test_client().post(
            "/items-business-commit", query_string={"email": "legacy@example.com"}
        )
    with app.app_context():
        db.engine.dispose()

    assert response.status_code == 201
    assert database.stored_emails() == ["legacy@example.com"]
    assert any("commit()" in record.getMessage() for record in caplog.records)
