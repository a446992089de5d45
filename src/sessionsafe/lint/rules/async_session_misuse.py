"""SES006 async-session-misuse."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import awaits
from sessionsafe.lint.rule import Rule


class AsyncSessionMisuse(Rule):
    """
    ## What it does
    Flags an `AsyncSession` coroutine method (`commit`, `rollback`, `close`,
    `execute`, `scalars`, `scalar`, `get`, `refresh`, `delete`, `merge`, `flush`,
    `stream`, `run_sync`, `invalidate`, ...) called without `await`, including the
    misplaced `await session.scalars(q).all()`, and a synchronous `Session` used
    inside an `async def` (once per coroutine, where the session enters it).

    ## Why is this bad?
    An un-awaited coroutine method does nothing: `session.commit()` commits nothing,
    `session.delete(obj)` deletes nothing, `session.close()` leaks the connection,
    and the only trace is a `RuntimeWarning` when the coroutine is garbage
    collected. `await session.scalars(q).all()` awaits the wrong thing: it calls
    `.all()` on a coroutine and raises `AttributeError`; write
    `(await session.scalars(q)).all()`.

    A synchronous session inside a coroutine runs blocking database I/O on the event
    loop: while one query waits, every other request of the process waits too.

    `add`, `add_all`, `expunge`, `expire`, `in_transaction` and `begin` are not
    coroutines and are never reported; a coroutine passed to `asyncio.gather()` or
    returned from a plain `def` is awaited elsewhere. A sync session used only in a
    plain `def` (run with `asyncio.to_thread` or `run_sync`) is fine.

    ## Known limits
    A session is known to be async from its annotation, its factory
    (`async_sessionmaker`, `AsyncSession(...)`) or an `async with` that binds it; a
    session reached through untyped helpers is not checked. A sync session is only
    reported when it is certainly synchronous (annotated `Session`, or created from
    `Session(...)` or a sync factory) and nothing is awaited on it.
    """

    code = "SES006"
    message = "{problem} on `{session}`"
    help = "{remedy}"

    bad = (
        """
        from sqlalchemy import select

        from app.db import async_session


        async def recent_posts() -> list:
            async with async_session() as session:
                posts = await session.scalars(select(Post).limit(10)).all()  # error: SES006
                session.add(AuditEntry(action="list-posts"))
                session.commit()  # error: SES006
                return posts
        """,
        """
        from fastapi import Depends, FastAPI
        from sqlalchemy.orm import Session

        from app.db import get_db

        app = FastAPI()


        @app.get("/products")
        async def list_products(db: Session = Depends(get_db)) -> list:  # error: SES006
            return db.query(Product).all()
        """,
    )
    good = (
        """
        from sqlalchemy import select

        from app.db import async_session


        async def recent_posts() -> list:
            async with async_session() as session:
                posts = (await session.scalars(select(Post).limit(10))).all()
                session.add(AuditEntry(action="list-posts"))
                await session.commit()
                return list(posts)
        """,
        """
        from fastapi import Depends, FastAPI
        from sqlalchemy.orm import Session

        from app.db import get_db

        app = FastAPI()


        @app.get("/products")
        def list_products(db: Session = Depends(get_db)) -> list:
            return db.query(Product).all()  # a plain def route runs in the threadpool
        """,
    )

    def visit_Call(self, node: ast.Call) -> None:
        session = awaits.unawaited_session_call(self.model, node)
        if session is None:
            return
        assert isinstance(node.func, ast.Attribute)
        method = node.func.attr
        if isinstance(self.model.parent(node), ast.Attribute):
            self.report(
                node,
                problem=f"`{method}()` is a coroutine but its result is used without `await`",
                session=session.key,
                remedy=f"Await the call first: `(await {session.key}.{method}(...))`",
            )
            return
        self.report(
            node,
            problem=f"`{method}()` is a coroutine and is never awaited",
            session=session.key,
            remedy=f"Write `await {session.key}.{method}(...)`",
        )

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        function = self.model.structure.info(node)
        entry = awaits.sync_session_entry(self.model, function)
        if entry is None:
            return
        name = entry.arg if isinstance(entry, ast.arg) else "a synchronous session"
        self.report(
            entry,
            problem=f"a synchronous session in `async def {node.name}` blocks the event loop",
            session=name,
            remedy=(
                "Use an `AsyncSession` (`async_sessionmaker`), or make the function a plain "
                "`def` (FastAPI runs it in a thread pool) or move the work to `asyncio.to_thread`"
            ),
        )
