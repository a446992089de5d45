"""SES004 commit-in-loop."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import transactions
from sessionsafe.lint.demo import Demo, Outcome, Program
from sessionsafe.lint.rule import Rule


class CommitInLoop(Rule):
    """
    ## What it does
    Flags `commit()` inside a `for`, `while` or `async for` body on a session that
    was created before the loop, so one job becomes one transaction per iteration.

    ## Why is this bad?
    Each commit makes the rows of its iteration permanent. When iteration 5,000
    fails, 4,999 are already committed: the job cannot be rolled back, it cannot
    simply be re-run (the committed part is done twice, or hits unique
    constraints), and a task queue that retries it repeats side effects. It is also
    slow: every commit is a round trip and a disk sync. Commit once after the loop;
    if single items may fail, give each a `begin_nested()` savepoint.

    Not reported: a session created inside the loop (each iteration is its own unit
    of work), a retry loop that leaves with `break`/`return` right after a
    successful commit, a checkpoint commit guarded by a batch-size condition
    (`if n % 1000 == 0:`, `if len(batch) >= BATCH_SIZE:`), a loop over batches
    (`for start in range(0, n, BATCH)`, `LIMIT :batch_size` rounds), a commit in an
    `except` handler that records a failure status, `flush()` in a loop, and
    `commit()` on objects that are not sessions (a git index, a Kafka consumer).

    ## Known limits
    A batch-size condition is recognised by its shape (`%`, `len(...)`, names such as
    `batch`, `chunk`, `size`, `every`); a checkpoint written differently is reported.
    A `while True:` loop is taken for an event loop (a worker, a poller, an interactive
    prompt) whose rounds stand alone, and is not reported; a bounded worker loop
    (`while sent < limit:`) that treats each message as its own unit of work on one
    session is reported: create the session per message, or suppress the line with
    `# noqa: SES004`.
    """

    code = "SES004"
    message = "`{session}.commit()` inside a loop commits once per iteration of `{loop}`"
    help = (
        "Commit once after the loop (use `begin_nested()` per item if single items may fail), "
        "or open a new session per iteration if each one is its own unit of work"
    )

    bad = (
        """
        import csv

        from app.db import SessionLocal
        from app.models import Product


        def import_products(path: str) -> None:
            with open(path) as handle, SessionLocal() as session:
                for row in csv.DictReader(handle):
                    session.add(Product(sku=row["sku"], name=row["name"]))
                    session.commit()  # error: SES004
        """,
    )
    good = (
        """
        import csv

        from app.db import SessionLocal
        from app.models import Product


        def import_products(path: str) -> None:
            with open(path) as handle, SessionLocal() as session:
                for row in csv.DictReader(handle):
                    session.add(Product(sku=row["sku"], name=row["name"]))
                session.commit()
        """,
        """
        from sqlalchemy.exc import OperationalError

        from app.db import SessionLocal


        def record_transfer(source: int, target: int, cents: int) -> None:
            with SessionLocal() as session:
                for attempt in range(3):
                    try:
                        transfer(session, source, target, cents)
                        session.commit()
                        break
                    except OperationalError:
                        session.rollback()
        """,
    )
    demo = Demo(
        mental_model="""
            Every `commit()` ends a transaction, so a commit inside a loop turns one batch into as
            many separate transactions as there are items. When item 3 fails, items 1 and 2 are
            already permanent, and the batch can neither be rolled back nor safely re-run.
        """,
        setup="""
            A job imports a file of orders. It opens one session, adds each order and commits it
            right away. The third line of the file has a malformed amount (`12,50`).
        """,
        broken=Program(
            source="""
                import os

                from sqlalchemy import Engine, String, create_engine, select
                from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

                DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")


                class Base(DeclarativeBase):
                    pass


                class Order(Base):
                    __tablename__ = "orders"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    reference: Mapped[str] = mapped_column(String(20))
                    amount_cents: Mapped[int]


                def import_orders(engine: Engine, lines: list[str]) -> None:
                    with Session(engine) as session:
                        for line in lines:
                            reference, amount = line.split(";")
                            session.add(
                                Order(reference=reference, amount_cents=int(amount))
                            )
                            session.commit()


                def main() -> None:
                    engine = create_engine(DATABASE_URL)
                    Base.metadata.create_all(engine)
                    batch = ["A-1;1200", "A-2;800", "A-3;12,50", "A-4;300"]
                    try:
                        import_orders(engine, batch)
                    except ValueError as error:
                        print(f"import failed: {error}")
                    with Session(engine) as session:
                        references = session.scalars(select(Order.reference))
                        print("rows stored:", references.all())


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(rows=("A-1", "A-2")),
        ),
        fixed=Program(
            source="""
                import os

                from sqlalchemy import Engine, String, create_engine, select
                from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

                DATABASE_URL = os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")


                class Base(DeclarativeBase):
                    pass


                class Order(Base):
                    __tablename__ = "orders"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    reference: Mapped[str] = mapped_column(String(20))
                    amount_cents: Mapped[int]


                def import_orders(engine: Engine, lines: list[str]) -> None:
                    with Session(engine) as session:
                        for line in lines:
                            reference, amount = line.split(";")
                            session.add(
                                Order(reference=reference, amount_cents=int(amount))
                            )
                        session.commit()  # one transaction: all of the batch or none


                def main() -> None:
                    engine = create_engine(DATABASE_URL)
                    Base.metadata.create_all(engine)
                    batch = ["A-1;1200", "A-2;800", "A-3;12,50", "A-4;300"]
                    try:
                        import_orders(engine, batch)
                    except ValueError as error:
                        print(f"import failed: {error}")
                    with Session(engine) as session:
                        references = session.scalars(select(Order.reference))
                        print("rows stored:", references.all())


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(rows=()),
        ),
        why="""
            `commit()` makes everything flushed so far permanent and starts a new transaction on
            the next statement. The `with Session(...)` block can roll back only the transaction
            that is open when the error arrives: the one for the failing line. The earlier lines
            are gone from its reach. The job has now imported half a file, and running it again
            imports the first half twice.

            Committing per item is also slow: each `COMMIT` waits for the database to make the
            write durable (an `fsync`), so a loop of small transactions is often ten to a hundred
            times slower than one transaction for the batch.
        """,
        in_production="""
            A nightly import of 120,000 orders committed after each row. At row 80,412 a supplier
            sent a price with a comma decimal separator; the job crashed with 80,411 orders
            stored. The on-call engineer fixed the file and re-ran the job, which imported those
            80,411 orders a second time; finance found the duplicates in the monthly report.
        """,
        takeaway="""
            Commit once, after the loop. If a batch is too big for one transaction, commit at
            explicit checkpoints and record how far the batch got, so a re-run can resume instead
            of repeating.
        """,
        prevention="""
            - `sessionsafe.runtime.unit_of_work(factory)` commits once when the block ends; its
              commit guard raises `CommitInsideUnitOfWork` when code inside the block commits.
            - `run_in_transaction(factory, fn)` re-runs the whole unit of work on a serialization
              failure or deadlock, which is only safe because nothing inside it committed early.
        """,
    )

    #: The engine calls `visit_Call` for these method calls only: no other can be reported.
    call_attributes = frozenset({"commit"})

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr != "commit":
            return
        session = self.model.session_receiver(node)
        if session is None:
            return
        loop = transactions.repeated_commit_loop(self.model, node, session)
        if loop is None:
            return
        self.report(node, session=session.key, loop=_loop_header(loop))


def _loop_header(loop: ast.stmt) -> str:
    if isinstance(loop, ast.For | ast.AsyncFor):
        keyword = "async for" if isinstance(loop, ast.AsyncFor) else "for"
        return f"{keyword} {ast.unparse(loop.target)} in ..."
    assert isinstance(loop, ast.While)
    return f"while {ast.unparse(loop.test)}"
