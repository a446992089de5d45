"""SES013 commit-after-response."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis.dependencies import (
    DependencyUses,
    commits_after_yield,
    dependencies_entering,
    is_context_manager,
    may_be_dependency,
)
from sessionsafe.lint.analysis.sessions import SessionRef
from sessionsafe.lint.demo import Demo, Outcome, Program
from sessionsafe.lint.rule import Rule


class CommitAfterResponse(Rule):
    """
    ## What it does
    Flags `commit()` after `yield` in a FastAPI `yield` dependency that is used
    through `Depends(get_db)` (directly, in `Annotated[..., Depends(get_db)]`, or
    through a type alias) without `scope="function"`. A dependency with no use site
    in the checked file is reported too: its use sites get the default scope.

    ## Why is this bad?
    Since FastAPI 0.118 the code after `yield` of a dependency with the default
    ("request") scope runs after the response has been sent. A commit there that
    fails (a unique violation, a serialization failure, a lost connection) cannot
    change the response any more: the client got `200 OK` or `201 Created` and the
    data is gone; the error only shows up in the server log. With
    `Depends(get_db, scope="function")` (FastAPI >= 0.121) the code after `yield`
    runs before the response, so a failed commit becomes a 500; committing in
    middleware before returning the response works on every version.

    A `@contextmanager`/`@asynccontextmanager` that commits after its `yield` is
    reported when such a dependency yields inside it (`async with managed() as s:
    yield s`): its commit runs when the dependency resumes.

    Not reported: a dependency whose every use site passes `scope="function"` (or an
    explicit `scope="request"` whose routes only read, such as a streaming export), a
    commit before `yield`, a dependency that only rolls back or closes after `yield`,
    context managers used only by ordinary `with` blocks, pytest fixtures and the
    application's `lifespan`.

    ## Known limits
    Use sites are read in the file that defines the dependency: a dependency defined
    in one module and used with `scope="function"` only in others is still reported
    (suppress it with `# noqa: SES013` after checking them). A generator is taken to
    be a dependency when `Depends(...)` names it, or when nothing else uses it and
    the module imports FastAPI/SQLModel or the function is named `get_...`.
    """

    code = "SES013"
    message = (
        "`{session}.commit()` after `yield` in `{owner}` runs after the response is sent{where}"
    )
    help = (
        'Use `Depends({function}, scope="function")` at every use site (FastAPI >= 0.121), '
        "or commit in middleware before the response is returned"
    )

    bad = (
        """
        from collections.abc import Iterator

        from fastapi import Depends, FastAPI
        from sqlalchemy.orm import Session

        from app.db import SessionLocal

        app = FastAPI()


        def get_db() -> Iterator[Session]:
            with SessionLocal() as db:
                yield db
                db.commit()  # error: SES013


        @app.post("/notes")
        def create_note(title: str, db: Session = Depends(get_db)) -> dict[str, str]:
            db.add(Note(title=title))
            return {"status": "saved"}
        """,
    )
    good = (
        """
        from collections.abc import Iterator

        from fastapi import Depends, FastAPI
        from sqlalchemy.orm import Session

        from app.db import SessionLocal

        app = FastAPI()


        def get_db() -> Iterator[Session]:
            with SessionLocal() as db:
                yield db
                db.commit()  # runs before the response: every use is function-scoped


        @app.post("/notes")
        def create_note(
            title: str, db: Session = Depends(get_db, scope="function")
        ) -> dict[str, str]:
            db.add(Note(title=title))
            return {"status": "saved"}
        """,
    )
    demo = Demo(
        mental_model="""
            In a FastAPI dependency with `yield`, the code after `yield` runs when the dependency's
            scope ends, and by default (since FastAPI 0.118) that is *after the response has been
            sent*. A commit there can fail when the client already has its 200.
        """,
        setup="""
            A FastAPI app opens a session in a `yield` dependency and commits after the `yield`.
            The sign-up endpoint adds a user and returns "welcome aboard". The email is already
            taken, so the INSERT, sent by the commit, violates a unique constraint.
        """,
        broken=Program(
            source="""
                import os
                import warnings
                from collections.abc import Iterator
                from typing import Annotated

                from fastapi import Depends, FastAPI
                from sqlalchemy import String, create_engine, select
                from sqlalchemy.orm import (
                    DeclarativeBase,
                    Mapped,
                    Session,
                    mapped_column,
                    sessionmaker,
                )
                from sqlalchemy.pool import StaticPool

                # newer Starlette versions warn about httpx here; not our topic
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    from fastapi.testclient import TestClient


                class Base(DeclarativeBase):
                    pass


                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    email: Mapped[str] = mapped_column(String(100), unique=True)


                url = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")
                # one in-memory SQLite database, shared by the test client's threads
                if url.startswith("sqlite"):
                    engine = create_engine(
                        url, poolclass=StaticPool, connect_args={"check_same_thread": False}
                    )
                else:
                    engine = create_engine(url)
                SessionLocal = sessionmaker(engine)
                app = FastAPI()


                def get_db() -> Iterator[Session]:
                    with SessionLocal() as session:
                        yield session
                        session.commit()


                @app.post("/users")
                def sign_up(
                    email: str, db: Annotated[Session, Depends(get_db)]
                ) -> dict[str, str]:
                    db.add(User(email=email))
                    return {"email": email, "status": "welcome aboard"}


                def main() -> None:
                    Base.metadata.create_all(engine)
                    with SessionLocal.begin() as session:
                        session.add(User(email="taken@example.com"))
                    client = TestClient(app, raise_server_exceptions=False)
                    response = client.post("/users", params={"email": "taken@example.com"})
                    print(f"client got HTTP {response.status_code}: {response.text}")
                    with SessionLocal() as session:
                        print("rows stored:", session.scalars(select(User.email)).all())


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(
                rows=("taken@example.com",),
                shows=(
                    'client got HTTP 200: {"email":"taken@example.com","status":"welcome aboard"}',
                ),
            ),
            requires=("sqlalchemy", "fastapi", "httpx"),
            install="sessionsafe[fastapi]",
        ),
        fixed=Program(
            source="""
                import os
                import warnings
                from collections.abc import Iterator
                from typing import Annotated

                from fastapi import Depends, FastAPI
                from sqlalchemy import String, create_engine, select
                from sqlalchemy.orm import (
                    DeclarativeBase,
                    Mapped,
                    Session,
                    mapped_column,
                    sessionmaker,
                )
                from sqlalchemy.pool import StaticPool

                # newer Starlette versions warn about httpx here; not our topic
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    from fastapi.testclient import TestClient


                class Base(DeclarativeBase):
                    pass


                class User(Base):
                    __tablename__ = "users"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    email: Mapped[str] = mapped_column(String(100), unique=True)


                url = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")
                # one in-memory SQLite database, shared by the test client's threads
                if url.startswith("sqlite"):
                    engine = create_engine(
                        url, poolclass=StaticPool, connect_args={"check_same_thread": False}
                    )
                else:
                    engine = create_engine(url)
                SessionLocal = sessionmaker(engine)
                app = FastAPI()


                def get_db() -> Iterator[Session]:
                    with SessionLocal() as session:
                        yield session
                        session.commit()


                @app.post("/users")
                def sign_up(
                    email: str, db: Annotated[Session, Depends(get_db, scope="function")]
                ) -> dict[str, str]:
                    db.add(User(email=email))
                    return {"email": email, "status": "welcome aboard"}


                def main() -> None:
                    Base.metadata.create_all(engine)
                    with SessionLocal.begin() as session:
                        session.add(User(email="taken@example.com"))
                    client = TestClient(app, raise_server_exceptions=False)
                    response = client.post("/users", params={"email": "taken@example.com"})
                    print(f"client got HTTP {response.status_code}: {response.text}")
                    with SessionLocal() as session:
                        print("rows stored:", session.scalars(select(User.email)).all())


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(
                rows=("taken@example.com",), shows=("client got HTTP 500: Internal Server Error",)
            ),
            requires=("sqlalchemy", "fastapi", "httpx"),
            install="sessionsafe[fastapi]",
        ),
        why="""
            FastAPI runs a `yield` dependency's teardown when its scope ends. The default scope is
            the request, and a request's dependencies are torn down after the response has been
            sent, so the endpoint's return value is already on the wire when `commit()` flushes
            the INSERT and fails. The client gets 200 and a body describing data that was never
            stored; the server logs "Exception in ASGI application". With
            `Depends(get_db, scope="function")` the teardown runs right after the endpoint
            returns, before the response: a failing commit becomes a 500 and nothing lies.

            Tests often miss it: Starlette's `TestClient` waits for the whole application,
            teardown included, and with `raise_server_exceptions=True` (its default) re-raises the
            commit error, so the test fails loudly while real clients get a 200.
        """,
        in_production="""
            A booking API committed in its `get_db` dependency after `yield`. Under a deferred
            unique constraint on (room, night), double bookings failed at commit, after the
            confirmation response. Over one holiday weekend 640 guests received booking
            confirmations for rooms that were never reserved for them.
        """,
        takeaway="""
            Commit before the response is sent: use `Depends(get_db, scope="function")`, or a
            middleware that commits before `http.response.start`, and turn a failed commit into a
            5xx.
        """,
        prevention="""
            - `sessionsafe.integrations.fastapi.session_dependency(factory)` runs a unit of work
              per request in a `scope="function"` dependency: it commits before the response is
              sent and a failed commit becomes a 5xx with the row absent.
            - `sessionsafe.integrations.starlette.UnitOfWorkMiddleware` commits before
              `http.response.start`, which also
              covers streaming responses.
        """,
    )

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._check(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._check(node)

    def _check(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if not self.model.may_involve_sessions(node):
            return
        function = self.model.structure.info(node)
        commits = commits_after_yield(self.model, function)
        if not commits:
            return
        uses = DependencyUses.of(self.model)
        if is_context_manager(function):
            for dependency in dependencies_entering(self.model, function, uses):
                where = f", when dependency `{dependency.name}` resumes"
                for call, session in commits:
                    self._report(call, session, node.name, dependency.name, where)
                return
            return
        if not may_be_dependency(self.model, function, uses):
            return
        name = node.name
        if name == "__call__" and function.owner_class is not None:
            name = function.owner_class.node.name
        if not uses.unsafe_or_unseen(name):
            return
        where = "" if uses.used(name) else " (no use site in this file sets a scope)"
        for call, session in commits:
            self._report(call, session, name, name, where)

    def _report(
        self, call: ast.Call, session: SessionRef, owner: str, dependency: str, where: str
    ) -> None:
        self.report(call, session=session.key, owner=owner, function=dependency, where=where)
