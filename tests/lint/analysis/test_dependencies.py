"""FastAPI `yield` dependencies: use sites and scopes, commits after `yield`."""

from __future__ import annotations

import pytest

from sessionsafe.lint.analysis.dependencies import (
    DependencyUses,
    commits_after_yield,
    dependencies_entering,
    may_be_dependency,
)

from .helpers import model_of

_DEPENDENCY = """
from typing import Annotated
from fastapi import Depends
from sqlalchemy.orm import Session
from app.db import SessionLocal


def get_db():
    with SessionLocal() as session:
        session.commit()
        yield session
        session.commit()

{uses}
"""


@pytest.mark.parametrize(
    ("uses", "unsafe"),
    [
        ("", True),
        ("def a(db: Session = Depends(get_db)): ...", True),
        ('def a(db: Session = Depends(get_db, scope="function")): ...', False),
        ('Db = Annotated[Session, Depends(get_db, scope="function")]', False),
        ('Db = Annotated[Session, Depends(get_db, scope="request")]', False),
        (
            'Db = Annotated[Session, Depends(get_db, scope="request")]\n'
            "def a(db: Db):\n    db.add(1)",
            True,
        ),
        (
            'Db = Annotated[Session, Depends(get_db, scope="request")]\n'
            "def a(db: Db):\n    return db.scalars(q)",
            False,
        ),
        (
            'def a(db: Session = Depends(get_db, scope="function")): ...\n'
            "def b(db: Session = Depends(get_db)): ...",
            True,
        ),
    ],
)
def test_a_dependency_is_unsafe_unless_every_use_is_function_scoped_or_read_only_request_scoped(
    uses: str, unsafe: bool
) -> None:
    model = model_of(_DEPENDENCY.format(uses=uses))
    assert DependencyUses.of(model).unsafe_or_unseen("get_db") is unsafe


def test_only_the_commit_after_the_yield_is_reported() -> None:
    model = model_of(_DEPENDENCY.format(uses=""))
    function = model.structure.functions["get_db"]
    commits = commits_after_yield(model, function)
    assert [call.lineno for call, _ in commits] == [12]


@pytest.mark.parametrize(
    ("decorator", "dependency"),
    [("", True), ("@contextmanager", False), ("@pytest.fixture", False)],
)
def test_context_managers_and_fixtures_are_not_dependencies(
    decorator: str, dependency: bool
) -> None:
    model = model_of(
        f"""
        import pytest
        from contextlib import contextmanager
        from fastapi import FastAPI
        from app.db import SessionLocal

        {decorator}
        def get_db():
            with SessionLocal() as session:
                yield session
                session.commit()
        """
    )
    function = model.structure.functions["get_db"]
    uses = DependencyUses.of(model)
    assert may_be_dependency(model, function, uses) is dependency


def test_a_generator_entered_with_with_is_not_a_dependency() -> None:
    model = model_of(
        """
        from contextlib import contextmanager
        from app.db import SessionLocal

        def transaction():
            with SessionLocal() as session:
                yield session
                session.commit()

        scope = contextmanager(transaction)
        """
    )
    function = model.structure.functions["transaction"]
    assert not may_be_dependency(model, function, DependencyUses.of(model))


@pytest.mark.parametrize(
    ("use", "entered"),
    [
        ("Db = Annotated[AsyncSession, Depends(get_db)]", ["get_db"]),
        ('Db = Annotated[AsyncSession, Depends(get_db, scope="function")]', []),
    ],
)
def test_a_context_manager_is_entered_by_the_unsafe_dependencies_that_yield_inside_it(
    use: str, entered: list[str]
) -> None:
    model = model_of(
        f"""
        from contextlib import asynccontextmanager
        from typing import Annotated
        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.db import async_session

        @asynccontextmanager
        async def managed():
            async with async_session() as session:
                yield session
                await session.commit()

        async def get_db():
            async with managed() as session:
                yield session

        @asynccontextmanager
        async def websocket_db():
            async with managed() as session:
                yield session

        {use}
        """
    )
    manager = model.structure.functions["managed"]
    found = dependencies_entering(model, manager, DependencyUses.of(model))
    assert [function.name for function in found] == entered
