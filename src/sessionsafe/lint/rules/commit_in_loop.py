"""SES004 commit-in-loop."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import transactions
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
    (`if n % 1000 == 0:`, `if len(batch) >= BATCH_SIZE:`), `flush()` in a loop,
    and `commit()` on objects that are not sessions (a git index, a Kafka consumer).

    ## Known limits
    A batch-size condition is recognised by its shape (`%`, `len(...)`, names such as
    `batch`, `chunk`, `size`, `every`); a checkpoint written differently is reported.
    A long-running worker loop that deliberately treats each message as its own
    unit of work on one session is reported: create the session per message, or
    suppress the line with `# noqa: SES004`.
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
