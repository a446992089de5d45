"""SES013 commit-after-response."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis.dependencies import (
    DependencyUses,
    commits_after_yield,
    may_be_dependency,
)
from sessionsafe.lint.analysis.sessions import SessionRef
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

    Not reported: a dependency whose every use site passes `scope="function"`, a
    commit before `yield`, a dependency that only rolls back or closes after `yield`,
    `@contextmanager`/`@asynccontextmanager` generators, pytest fixtures and the
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
        "`{session}.commit()` after `yield` in dependency `{function}` runs after the "
        "response is sent{where}"
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
        if not may_be_dependency(self.model, function, uses):
            return
        if not uses.unsafe_or_unseen(node.name):
            return
        where = "" if uses.used(node.name) else " (no use site in this file sets a scope)"
        for call, session in commits:
            self._report(call, session, node.name, where)

    def _report(self, call: ast.Call, session: SessionRef, function: str, where: str) -> None:
        self.report(call, session=session.key, function=function, where=where)
