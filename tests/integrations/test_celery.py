"""Celery integration with a real worker process and the Redis broker.

Seed 000 replayed at worker scale: 200 tasks, 5 of which insert an event that
already exists and swallow the IntegrityError without rolling back.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, create_engine, select

from tests.integrations.celery_harness import Outcome, WorkerClient, celery_worker, events_table
from tests.services import MARIADB, MARIADB_URL, POSTGRES, POSTGRES_URL

pytestmark = [pytest.mark.redis, pytest.mark.slow]

TASK_COUNT = 200
DUPLICATE_COUNT = 5
RESULTS_TIMEOUT_S = 60.0


@dataclass
class EventsDatabase:
    url: str
    table: Table

    def stored_events(self) -> list[str]:
        engine = create_engine(self.url)
        try:
            with engine.connect() as connection:
                return list(connection.scalars(select(self.table.c.event)))
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def events_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EventsDatabase]:
    if request.param == "postgresql":
        POSTGRES.require()
        url = POSTGRES_URL
    elif request.param == "mariadb":
        MARIADB.require()
        url = MARIADB_URL
    else:
        url = f"sqlite:///{tmp_path / 'celery.sqlite'}"
    table = events_table(MetaData(), f"ss_events_{uuid.uuid4().hex[:10]}")
    engine = create_engine(url)
    table.create(engine)
    try:
        yield EventsDatabase(url, table)
    finally:
        table.drop(engine)
        engine.dispose()


def seed_000_events() -> list[str]:
    """200 events, of which 5 repeat an earlier one, at fixed positions."""
    unique = [f"event-{number:03d}" for number in range(TASK_COUNT - DUPLICATE_COUNT)]
    rng = random.Random(0)
    events = list(unique)
    for original in rng.sample(unique[:60], DUPLICATE_COUNT):
        events.insert(rng.randrange(unique.index(original) + 1, 100), original)
    return events


def replay(worker: WorkerClient, task: str) -> list[Outcome]:
    return worker.run_all(task, seed_000_events(), RESULTS_TIMEOUT_S)


@pytest.mark.parametrize("pool", ["solo", "prefork"])
def test_each_task_has_its_own_unit_so_duplicates_fail_alone(
    events_database: EventsDatabase, pool: str
) -> None:
    with celery_worker(pool, events_database.url, events_database.table.name) as worker:
        outcomes = replay(worker, "ss.record")

    states = Counter(outcome.state for outcome in outcomes)
    failures = [outcome for outcome in outcomes if outcome.state == "FAILURE"]
    assert states == {"SUCCESS": 195, "FAILURE": 5}
    assert [failure.error_name for failure in failures] == ["SwallowedDatabaseError"] * 5
    assert all("was caught and not rolled back" in str(failure.result) for failure in failures)
    stored = events_database.stored_events()
    assert len(stored) == 195
    assert set(stored) == set(seed_000_events())


@pytest.mark.parametrize(
    ("pool", "events_database"),
    [("solo", "sqlite"), ("prefork", "postgresql"), ("solo", "mariadb")],
    indirect=["events_database"],
)
def test_without_the_integration_one_swallowed_error_poisons_later_tasks(
    events_database: EventsDatabase, pool: str
) -> None:
    """Documents seed 000 under Celery: the module-level session stays broken."""
    with celery_worker(pool, events_database.url, events_database.table.name) as worker:
        outcomes = replay(worker, "ss.record_plain")

    errors = Counter(outcome.error_name for outcome in outcomes if outcome.state == "FAILURE")
    swallowed = [outcome for outcome in outcomes if outcome.result == "duplicate ignored"]
    assert swallowed, "a duplicate was swallowed and reported as SUCCESS"
    assert errors["PendingRollbackError"] > 0
    assert len(events_database.stored_events()) < 195


def test_task_that_loses_its_connection_is_retried_by_celery(tmp_path: Path) -> None:
    POSTGRES.require()
    table = events_table(MetaData(), f"ss_events_{uuid.uuid4().hex[:10]}")
    engine = create_engine(POSTGRES_URL)
    table.create(engine)
    database = EventsDatabase(POSTGRES_URL, table)
    try:
        with celery_worker("solo", POSTGRES_URL, table.name) as worker:
            outcome = worker.outcome(
                worker.send("ss.record_after_connection_loss", "retried"), RESULTS_TIMEOUT_S
            )
        assert (outcome.state, outcome.result) == ("SUCCESS", 1)
        assert database.stored_events() == ["retried"]
    finally:
        table.drop(engine)
        engine.dispose()
