"""sessionsafe.pytest_plugin, exercised through pytester on real databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, select

# Imported before any pytester run: in-process runs drop the modules they
# imported from sys.modules afterwards, and SQLAlchemy's ORM cannot be imported
# a second time in one process (its inspection registry is global).
import sessionsafe.pytest_plugin  # noqa: F401
from tests.services import POSTGRES, POSTGRES_ASYNC_URL, POSTGRES_URL

pytest_plugins = ["pytester"]

#: Behaviour that does not depend on the backend runs on SQLite only (each
#: pytester run costs a second or two).
SQLITE_ONLY = pytest.mark.parametrize("notes", ["sqlite"], indirect=True)


@dataclass
class NotesDatabase:
    url: str
    async_url: str
    table: Table

    def count(self) -> int:
        engine = create_engine(self.url)
        try:
            with engine.connect() as connection:
                return int(connection.scalar(select(func.count()).select_from(self.table)) or 0)
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def notes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NotesDatabase]:
    if request.param == "postgresql":
        POSTGRES.require()
        url, async_url = POSTGRES_URL, POSTGRES_ASYNC_URL
    else:
        path = tmp_path / "notes.sqlite"
        url, async_url = f"sqlite:///{path}", f"sqlite+aiosqlite:///{path}"
    table = Table(
        f"ss_notes_{uuid.uuid4().hex[:10]}",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("text", String(50), nullable=False),
    )
    engine = create_engine(url)
    table.create(engine)
    try:
        yield NotesDatabase(url, async_url, table)
    finally:
        table.drop(engine)
        engine.dispose()


@pytest.fixture(autouse=True)
def fast_pytester_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip entry-point plugin discovery in pytester runs (about 2 s each otherwise).

    The test projects name the plugins they use in `pytest_plugins`.
    """
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


@pytest.fixture
def project(pytester: pytest.Pytester, notes: NotesDatabase) -> pytest.Pytester:
    """A test project that uses the plugin and a `notes` table on `notes`' backend."""
    pytester.makeini(
        f"""
        [pytest]
        asyncio_mode = auto
        asyncio_default_fixture_loop_scope = function
        sessionsafe_db_url = {notes.url}
        sessionsafe_async_db_url = {notes.async_url}
        """
    )
    pytester.makeconftest(
        f"""
        from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

        pytest_plugins = ["pytest_asyncio.plugin", "sessionsafe.pytest_plugin"]

        notes = Table(
            "{notes.table.name}",
            MetaData(),
            Column("id", Integer, primary_key=True),
            Column("text", String(50), nullable=False),
        )

        def count(session):
            return session.scalar(select(func.count()).select_from(notes))

        def add_note(session, text):
            session.execute(notes.insert().values(text=text))
            session.commit()  # business code committing: what the guard refuses
        """
    )
    return pytester


def test_data_written_in_one_test_is_absent_in_the_next(
    project: pytest.Pytester, notes: NotesDatabase
) -> None:
    project.makepyfile(
        """
        from conftest import add_note, count

        def test_writes(sessionsafe_session):
            add_note(sessionsafe_session, "first")
            assert count(sessionsafe_session) == 1

        def test_sees_nothing(sessionsafe_session):
            assert count(sessionsafe_session) == 0
        """
    )

    project.runpytest().assert_outcomes(passed=2)
    assert notes.count() == 0


def test_application_commits_stay_inside_the_outer_transaction(
    project: pytest.Pytester, notes: NotesDatabase
) -> None:
    project.makepyfile(
        """
        from conftest import add_note, count

        def test_app_commits_twice_with_its_own_sessions(sessionsafe_sessionmaker):
            for text in ("one", "two"):
                with sessionsafe_sessionmaker() as app_session:
                    add_note(app_session, text)
            with sessionsafe_sessionmaker() as reader:
                assert count(reader) == 2

        def test_sees_nothing(sessionsafe_session):
            assert count(sessionsafe_session) == 0
        """
    )

    project.runpytest().assert_outcomes(passed=2)
    assert notes.count() == 0


def test_async_session_rolls_back_between_tests(
    project: pytest.Pytester, notes: NotesDatabase
) -> None:
    project.makepyfile(
        """
        from conftest import notes, count

        async def test_writes(sessionsafe_async_session):
            await sessionsafe_async_session.execute(notes.insert().values(text="async"))
            await sessionsafe_async_session.commit()
            assert await sessionsafe_async_session.run_sync(count) == 1

        async def test_sees_nothing(sessionsafe_async_session):
            assert await sessionsafe_async_session.run_sync(count) == 0
        """
    )

    project.runpytest().assert_outcomes(passed=2)
    assert notes.count() == 0


@SQLITE_ONLY
def test_guard_option_fails_a_test_whose_business_code_commits(
    project: pytest.Pytester, notes: NotesDatabase
) -> None:
    project.makepyfile(
        test_orders="""
        from conftest import add_note

        def test_commits(sessionsafe_session):
            add_note(sessionsafe_session, "committed by business code")

        def test_only_flushes(sessionsafe_session):
            sessionsafe_session.flush()
        """
    )

    result = project.runpytest("--sessionsafe-guard", "--tb=short")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*CommitInsideUnitOfWork: session.commit() was called inside a unit of work at "
            "*conftest.py:*"
        ]
    )
    assert notes.count() == 0


@SQLITE_ONLY
def test_guard_marker_applies_to_the_marked_test_only(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import pytest
        from conftest import add_note

        @pytest.mark.sessionsafe_guard
        def test_guarded(sessionsafe_session):
            add_note(sessionsafe_session, "refused")

        def test_unguarded(sessionsafe_session):
            add_note(sessionsafe_session, "allowed")
        """
    )

    result = project.runpytest()

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*CommitInsideUnitOfWork*", "*FAILED*::test_guarded*"])


@SQLITE_ONLY
def test_guard_catches_a_commit_error_the_business_code_swallowed(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(
        """
        import pytest
        from conftest import add_note

        @pytest.mark.sessionsafe_guard
        def test_swallows(sessionsafe_session):
            try:
                add_note(sessionsafe_session, "refused")
            except Exception:
                pass
        """
    )

    result = project.runpytest()

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_swallows*", "*at *conftest.py:*, and the CommitInside*caught*"]
    )


@SQLITE_ONLY
def test_connection_level_commit_is_reported_as_escaped_data(
    project: pytest.Pytester, notes: NotesDatabase
) -> None:
    project.makepyfile(
        """
        from conftest import notes

        def test_commits_the_connection(sessionsafe_connection):
            sessionsafe_connection.execute(notes.insert().values(text="escaped"))
            sessionsafe_connection.commit()
        """
    )

    result = project.runpytest()

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*outer transaction of sessionsafe_connection was committed*"])
    assert notes.count() == 1


def test_missing_database_url_explains_how_to_configure_it(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makeconftest('pytest_plugins = ["sessionsafe.pytest_plugin"]')
    pytester.makepyfile("def test_needs_db(sessionsafe_session):\n    pass\n")

    result = pytester.runpytest()

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*--sessionsafe-db-url=URL*sessionsafe_db_url*"])


def test_plugin_is_not_loaded_unless_a_project_asks_for_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD")  # installed plugins load as usual
    pytester.makepyfile(
        """
        import sys

        def test_nothing_imported():
            assert "sessionsafe.pytest_plugin" not in sys.modules
            assert "sqlalchemy" not in sys.modules
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)
