"""install() and current_session() in-process, with Celery's eager execution.

The worker-level behaviour (solo and prefork pools, Redis) is in
test_celery.py; these tests cover the API's contract and error messages.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from celery import Celery
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from sessionsafe.integrations.celery import current_session, install
from tests.integrations.harness import Database, create_sync_engine

MISSING_OWNER = 999


@pytest.fixture
def engine(database: Database) -> Iterator[Engine]:
    engine = create_sync_engine(database.url)
    yield engine
    engine.dispose()


def eager_app() -> Celery:
    app = Celery("sessionsafe_eager", set_as_current=False)
    app.conf.update(task_always_eager=True, task_store_eager_result=False)
    return app


def test_task_commits_its_session_when_it_returns(engine: Engine, database: Database) -> None:
    app = eager_app()
    install(app, sessionmaker(engine))

    @app.task(shared=False)
    def create(email: str) -> None:
        current_session().execute(database.items.insert().values(email=email, owner_id=1))

    result = create.apply(args=("ann@example.com",))

    assert result.state == "SUCCESS"
    assert database.stored_emails() == ["ann@example.com"]


def test_failing_commit_fails_the_task_instead_of_reporting_success(
    engine: Engine, database: Database
) -> None:
    app = eager_app()
    install(app, sessionmaker(engine))

    @app.task(shared=False)
    def create_orphan(email: str) -> str:
        item = database.items.insert().values(email=email, owner_id=MISSING_OWNER)
        current_session().execute(item)
        return "stored"

    result = create_orphan.apply(args=("orphan@example.com",))

    assert result.state == "FAILURE"
    assert isinstance(result.result, IntegrityError)
    assert database.stored_emails() == []


def test_scoped_session_is_clean_again_for_the_next_task(
    engine: Engine, database: Database
) -> None:
    app = eager_app()
    sessions = scoped_session(sessionmaker(engine))
    install(app, sessions)
    seen: list[Session] = []

    @app.task(shared=False)
    def create(email: str, copies: int) -> str:
        session = sessions()
        seen.append(session)
        try:
            for _ in range(copies):
                session.execute(database.items.insert().values(email=email, owner_id=1))
        except IntegrityError:
            return "duplicate ignored"  # seed 000: no rollback
        return "stored"

    poisoned = create.apply(args=("dup@example.com", 2))
    following = create.apply(args=("next@example.com", 1))

    assert poisoned.state == "FAILURE"
    assert following.state == "SUCCESS"
    assert seen[0] is not seen[1]
    assert database.stored_emails() == ["next@example.com"]


def test_current_session_outside_a_task_explains_where_to_call_it() -> None:
    with pytest.raises(LookupError, match="call it from inside a task"):
        current_session()


def test_install_after_the_tasks_exist_is_refused() -> None:
    app = eager_app()

    @app.task(shared=False)
    def noop() -> None:
        return None

    app.finalize()
    with pytest.raises(RuntimeError, match="before any task is defined"):
        install(app, sessionmaker())


def test_install_twice_is_refused() -> None:
    app = eager_app()
    install(app, sessionmaker())

    with pytest.raises(RuntimeError, match="once per app"):
        install(app, sessionmaker())


def test_task_called_directly_inside_a_task_gets_its_own_unit(
    engine: Engine, database: Database
) -> None:
    app = eager_app()
    install(app, sessionmaker(engine))

    @app.task(shared=False)
    def create(email: str) -> None:
        current_session().execute(database.items.insert().values(email=email, owner_id=1))

    @app.task(shared=False)
    def create_both(email: str) -> bool:
        outer = current_session()
        create(f"inner-{email}")  # committed by its own unit when it returns
        outer.execute(database.items.insert().values(email=email, owner_id=1))
        return current_session() is outer

    result = create_both.apply(args=("outer@example.com",))

    assert result.state == "SUCCESS"
    assert result.result is True
    assert database.stored_emails() == ["inner-outer@example.com", "outer@example.com"]
