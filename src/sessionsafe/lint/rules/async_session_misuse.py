"""SES006 async-session-misuse."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import awaits
from sessionsafe.lint.demo import Demo, Outcome, Program
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
    message = "`{subject}` {problem}"
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
    demo = Demo(
        mental_model="""
            On an `AsyncSession`, `commit()`, `execute()`, `flush()` and friends are coroutines:
            calling them only creates a coroutine object, and nothing reaches the database until
            it is awaited. A missing `await` is therefore a statement that silently does nothing.
        """,
        setup="""
            An async payment handler adds a payment to an `AsyncSession` and calls
            `session.commit()`, but the `await` is missing. It prints "payment recorded" and
            closes the session.
        """,
        broken=Program(
            source="""
                import asyncio
                import os

                from sqlalchemy import String, select
                from sqlalchemy.ext.asyncio import (
                    AsyncSession,
                    async_sessionmaker,
                    create_async_engine,
                )
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

                DATABASE_URL = os.environ.get(
                    "SESSIONSAFE_DEMO_ASYNC_URL", "sqlite+aiosqlite:///:memory:"
                )


                class Base(DeclarativeBase):
                    pass


                class Payment(Base):
                    __tablename__ = "payments"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    reference: Mapped[str] = mapped_column(String(20))


                async def record_payment(session: AsyncSession, reference: str) -> None:
                    session.add(Payment(reference=reference))


                async def main() -> None:
                    engine = create_async_engine(DATABASE_URL)
                    async with engine.begin() as connection:
                        await connection.run_sync(Base.metadata.create_all)
                    SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
                    async with SessionLocal() as session:
                        await record_payment(session, "PAY-1")
                        session.commit()
                        print("payment recorded")
                    async with SessionLocal() as session:
                        references = await session.scalars(select(Payment.reference))
                        print("rows stored:", references.all())
                    await engine.dispose()


                if __name__ == "__main__":
                    asyncio.run(main())
            """,
            outcome=Outcome(
                rows=(),
                shows=("RuntimeWarning: coroutine 'AsyncSession.commit' was never awaited",),
            ),
        ),
        fixed=Program(
            source="""
                import asyncio
                import os

                from sqlalchemy import String, select
                from sqlalchemy.ext.asyncio import (
                    AsyncSession,
                    async_sessionmaker,
                    create_async_engine,
                )
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

                DATABASE_URL = os.environ.get(
                    "SESSIONSAFE_DEMO_ASYNC_URL", "sqlite+aiosqlite:///:memory:"
                )


                class Base(DeclarativeBase):
                    pass


                class Payment(Base):
                    __tablename__ = "payments"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    reference: Mapped[str] = mapped_column(String(20))


                async def record_payment(session: AsyncSession, reference: str) -> None:
                    session.add(Payment(reference=reference))


                async def main() -> None:
                    engine = create_async_engine(DATABASE_URL)
                    async with engine.begin() as connection:
                        await connection.run_sync(Base.metadata.create_all)
                    SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
                    async with SessionLocal() as session:
                        await record_payment(session, "PAY-1")
                        # a coroutine: nothing reaches the database until it is awaited
                        await session.commit()
                        print("payment recorded")
                    async with SessionLocal() as session:
                        references = await session.scalars(select(Payment.reference))
                        print("rows stored:", references.all())
                    await engine.dispose()


                if __name__ == "__main__":
                    asyncio.run(main())
            """,
            outcome=Outcome(rows=("PAY-1",)),
        ),
        why="""
            `AsyncSession.commit` is an `async def`: `session.commit()` returns a coroutine and
            returns at once. Python does not complain about a coroutine that is never awaited
            until it is garbage-collected, and then only with a `RuntimeWarning` on stderr that
            most log pipelines drop. The session is then closed with its transaction still open,
            which rolls it back: the payment is gone, with no exception anywhere.

            The mirror-image mistake, awaiting the wrong thing (`await session.scalars(q).all()`)
            or using a synchronous `Session` inside `async def`, fails differently: the first
            raises a `TypeError`/`AttributeError`, the second blocks the event loop for the
            whole query.
        """,
        in_production="""
            After a refactor from sync to async, one branch of an order handler kept a bare
            `session.commit()`. The API answered 201 for every order on that branch; 2,300
            orders over three days were never stored, and the only trace was a `RuntimeWarning`
            line per request in a log nobody read.
        """,
        takeaway="""
            Await every `AsyncSession` coroutine method, and run your tests with
            `-W error::RuntimeWarning` so a forgotten `await` fails them.
        """,
        prevention="""
            - `sessionsafe.runtime.async_unit_of_work(factory)` commits for you (awaited) when
              the block ends, so handler code has no `commit()` to forget, and it creates sessions
              with `expire_on_commit=False`, avoiding `MissingGreenlet` after the commit.
            - The FastAPI integration's async session dependency and the Starlette middleware
              do the same per request.
        """,
    )

    #: The engine calls `visit_Call` for these method calls only: no other can be reported.
    call_attributes = awaits.SCOPED_COROUTINE_METHODS

    def visit_Call(self, node: ast.Call) -> None:
        session = awaits.unawaited_session_call(self.model, node)
        if session is None:
            return
        assert isinstance(node.func, ast.Attribute)
        call = f"{session.key}.{node.func.attr}()"
        if isinstance(self.model.parent(node), ast.Attribute):
            self.report(
                node,
                subject=call,
                problem="returns a coroutine, and the next call is made on it, not on its result",
                remedy=f"Await the call first: `(await {call[:-2]}(...))`",
            )
            return
        self.report(
            node,
            subject=call,
            problem="is a coroutine and is never awaited: it does nothing",
            remedy=f"Write `await {call[:-2]}(...)`",
        )

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        function = self.model.structure.info(node)
        entry = awaits.sync_session_entry(self.model, function)
        if entry is None:
            return
        is_parameter = isinstance(entry, ast.arg)
        subject = entry.arg if isinstance(entry, ast.arg) else ast.unparse(entry)
        self.report(
            entry,
            subject=subject,
            problem=(
                f"{'is' if is_parameter else 'creates'} a synchronous session used inside "
                f"`async def {node.name}`: every query blocks the event loop"
            ),
            remedy=(
                "Use an `AsyncSession` (`async_sessionmaker`), or make the function a plain "
                "`def` (FastAPI runs it in a thread pool) or move the work to `asyncio.to_thread`"
            ),
        )
