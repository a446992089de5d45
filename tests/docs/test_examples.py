"""Every rule's demo programs really do what its page says, on every database.

Each broken and fixed program runs in a fresh interpreter (with a timeout)
on in-memory SQLite and on PostgreSQL in a schema of its own, and, when its
outcome depends on the database, on MariaDB in a database of its own. The
outcome (the uncaught exception's class, the rows stored, the lines the
output must show) must match what the rule records for that database; on
SQLite the whole output must match the recorded output shown by
`sessionsafe explain --no-run` and the docs site. The linter must flag every
broken program with the rule's code and stay silent on every fixed program.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tests.services import MARIADB, MARIADB_URL, POSTGRES, POSTGRES_URL

from sessionsafe.lint.config import Settings
from sessionsafe.lint.demo import (
    DemoRunError,
    Outcome,
    Program,
    ProgramRun,
    program_file_name,
    recorded_output,
    recorded_output_path,
    run_program,
)
from sessionsafe.lint.engine import check_source
from sessionsafe.lint.rule import Rule
from sessionsafe.lint.rules import ALL_RULES


def program_of(rule: type[Rule], key: str) -> Program:
    assert rule.demo is not None
    return dict(rule.demo.programs())[key]


RulePrograms = list[tuple[type[Rule], str]]
ALL_PROGRAMS: RulePrograms = [
    (rule, key) for rule in ALL_RULES if rule.demo is not None for key, _ in rule.demo.programs()
]
# MariaDB runs only the programs whose outcome depends on the database (the
# others were checked on it when recorded); SQLite and PostgreSQL run them all.
DATABASE_DEPENDENT: RulePrograms = [
    (rule, key) for rule, key in ALL_PROGRAMS if program_of(rule, key).outcome_on
]
PROGRAMS = [pytest.param(rule, key, id=f"{rule.code}-{key}") for rule, key in ALL_PROGRAMS]
DATABASE_DEPENDENT_PROGRAMS = [
    pytest.param(rule, key, id=f"{rule.code}-{key}") for rule, key in DATABASE_DEPENDENT
]
ALL_CODES = frozenset(rule.code for rule in ALL_RULES)
TIMEOUT = 90.0
# Demo programs run this many at a time: each is mostly interpreter start-up and waiting.
PARALLEL_RUNS = 4
RunResult = ProgramRun | DemoRunError
# Error links name the SQLAlchemy minor version (/e/20/, /e/21/); nothing else may differ.
_ERROR_LINK_VERSION = re.compile(r"sqlalche\.me/e/\d+/")


def comparable(output: str) -> list[str]:
    """Output lines as recorded: no trailing spaces, no SQLAlchemy version in error links."""
    return [_ERROR_LINK_VERSION.sub("", line.rstrip()) for line in output.strip("\n").splitlines()]


def assert_outcome(run: ProgramRun, expected: Outcome, where: str) -> None:
    assert (run.raised, run.rows) == (expected.raises, expected.rows), (
        f"on {where} the page says the program {expected.describe()}, but it "
        f"raised {run.raised} and reported rows {run.rows}:\n{run.output}"
    )
    for line in expected.shows:
        assert line in run.output, f"on {where} the output lacks {line!r}"


Key = tuple[str, str]
DatabaseFactory = Callable[[], AbstractContextManager[tuple[str, str]]]


@contextmanager
def sqlite_database() -> Iterator[tuple[str, str]]:
    """Sync and async URLs of in-memory SQLite (a new database per connection)."""
    yield "sqlite:///:memory:", "sqlite+aiosqlite:///:memory:"


@contextmanager
def postgres_database() -> Iterator[tuple[str, str]]:
    """Sync and async URLs of a fresh PostgreSQL schema, dropped afterwards."""
    schema = f"demo_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    # psycopg 3 serves both APIs, so the async URL is the same one.
    rendered = url.render_as_string(hide_password=False)
    try:
        yield rendered, rendered
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextmanager
def mariadb_database() -> Iterator[tuple[str, str]]:
    """Sync and async URLs of a fresh MariaDB database, dropped afterwards."""
    database = f"demo_{uuid.uuid4().hex[:12]}"
    admin = create_engine(MARIADB_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE DATABASE {database}"))
    url = make_url(MARIADB_URL).set(database=database)
    try:
        yield (
            url.render_as_string(hide_password=False),
            url.set(drivername="mysql+aiomysql").render_as_string(hide_password=False),
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP DATABASE {database}"))
        admin.dispose()


def run_all(programs: RulePrograms, database: DatabaseFactory) -> dict[Key, RunResult]:
    """Run the programs concurrently (most of their time is interpreter start-up and I/O)."""

    def run_one(rule: type[Rule], key: str) -> RunResult:
        try:
            with database() as (url, async_url):
                return run_program(
                    program_of(rule, key).source,
                    database_url=url,
                    async_database_url=async_url,
                    file_name=program_file_name(key),
                    timeout=TIMEOUT,
                )
        except DemoRunError as error:
            return error

    with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
        results = list(pool.map(lambda pair: run_one(*pair), programs))
    return {(rule.code, key): result for (rule, key), result in zip(programs, results, strict=True)}


def finished(result: RunResult) -> ProgramRun:
    if isinstance(result, DemoRunError):
        pytest.fail(str(result), pytrace=False)
    return result


@pytest.fixture(scope="module")
def sqlite_runs() -> dict[Key, RunResult]:
    return run_all(ALL_PROGRAMS, sqlite_database)


@pytest.fixture(scope="module")
def postgres_runs() -> dict[Key, RunResult]:
    POSTGRES.require()
    return run_all(ALL_PROGRAMS, postgres_database)


@pytest.fixture(scope="module")
def mariadb_runs() -> dict[Key, RunResult]:
    MARIADB.require()
    return run_all(DATABASE_DEPENDENT, mariadb_database)


@pytest.mark.parametrize(("rule", "key"), PROGRAMS)
def test_program_on_sqlite_prints_the_recorded_output(
    rule: type[Rule], key: str, sqlite_runs: dict[Key, RunResult]
) -> None:
    """On in-memory SQLite the program ends as recorded and prints exactly the recorded output."""
    program = program_of(rule, key)
    run = finished(sqlite_runs[rule.code, key])
    assert_outcome(run, program.outcome_for("sqlite"), "SQLite")
    recorded = recorded_output(rule.code, key)
    assert comparable(run.output) == comparable(recorded), (
        f"{recorded_output_path(rule.code, key)} is stale: if the new output is right, "
        "run scripts/record_demo_output.py"
    )


@pytest.mark.postgres
@pytest.mark.parametrize(("rule", "key"), PROGRAMS)
def test_program_on_postgresql_ends_as_recorded(
    rule: type[Rule], key: str, postgres_runs: dict[Key, RunResult]
) -> None:
    """On PostgreSQL the program ends as the page records for PostgreSQL."""
    run = finished(postgres_runs[rule.code, key])
    assert_outcome(run, program_of(rule, key).outcome_for("postgresql"), "PostgreSQL")


@pytest.mark.mariadb
@pytest.mark.parametrize(("rule", "key"), DATABASE_DEPENDENT_PROGRAMS)
def test_program_on_mariadb_ends_as_recorded(
    rule: type[Rule], key: str, mariadb_runs: dict[Key, RunResult]
) -> None:
    """On MariaDB the program ends as the page records for MariaDB."""
    run = finished(mariadb_runs[rule.code, key])
    assert_outcome(run, program_of(rule, key).outcome_for("mysql"), "MariaDB")


@pytest.mark.parametrize(("rule", "key"), PROGRAMS)
def test_linter_flags_every_broken_program_and_no_fixed_one(rule: type[Rule], key: str) -> None:
    """A broken program has a finding of its rule; a fixed one has no finding of any rule."""
    settings = Settings(enabled=ALL_CODES)
    findings = check_source(program_of(rule, key).source, f"{key}.py", settings)
    found = [f"{finding.line}: {finding.code} {finding.message}" for finding in findings]
    if key.endswith("broken"):
        assert rule.code in {finding.code for finding in findings}, found
    else:
        assert found == []


def test_every_rule_has_a_demo() -> None:
    """Every rule teaches with a runnable broken program and its fixed twin."""
    assert [rule.code for rule in ALL_RULES if rule.demo is None] == []
