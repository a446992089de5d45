"""SES010 commit-inside-begin."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import transactions
from sessionsafe.lint.rule import Rule

_ENDING_METHODS = frozenset({"commit", "rollback"})


class CommitInsideBegin(Rule):
    """
    ## What it does
    Flags `commit()` or `rollback()` on the session of an enclosing
    `with session.begin():` block, `with SessionLocal.begin() as session:` block, or
    their `async with` equivalents.

    ## Why is this bad?
    A `begin()` block is a unit of work: it commits when the block ends and rolls
    back when it raises. SQLAlchemy still allows an explicit `commit()` inside it, and
    that commit is real and durable at once. The block's own commit then does
    nothing, an exception later in the block can no longer undo what was committed,
    and the next statement in the block fails with "Can't operate on closed
    transaction inside context manager". A `rollback()` inside the block ends the
    transaction the same way. To cancel the block, raise; to undo part of it, use a
    `begin_nested()` savepoint.

    `commit()` on another session, on a savepoint object (`sp = session.begin_nested()`,
    `sp.commit()`), on a Kafka consumer, and calls after the block has exited are not
    reported. A `rollback()` followed directly by `raise` is not reported either: the
    block exits with the error anyway.

    ## Known limits
    Only calls written inside the block are seen: a helper called from the block
    that commits the session it receives is SES001's business. A `begin()` entered
    with `ExitStack.enter_context` is not recognised.
    """

    code = "SES010"
    message = "`{session}.{method}()` inside a `{block}` block ends its transaction early"
    help = (
        "Remove the `{method}()`: the `begin()` block commits when it ends and rolls back "
        "when it raises; raise an exception to cancel it, or use `begin_nested()` to undo a part"
    )

    bad = (
        """
        from app.db import SessionLocal
        from app.models import Account, Withdrawal


        def withdraw(account_id: int, cents: int) -> None:
            with SessionLocal.begin() as session:
                account = session.get(Account, account_id)
                account.balance_cents -= cents
                session.commit()  # error: SES010
                session.add(Withdrawal(account_id=account_id, cents=cents))
        """,
        """
        from sqlalchemy.ext.asyncio import AsyncSession


        async def accept(session: AsyncSession, order) -> None:
            async with session.begin():
                if order.total_cents > 100_000:
                    await session.rollback()  # error: SES010
                session.add(order)
        """,
    )
    good = (
        """
        from app.db import SessionLocal
        from app.models import Account, Withdrawal


        def withdraw(account_id: int, cents: int) -> None:
            with SessionLocal.begin() as session:
                account = session.get(Account, account_id)
                account.balance_cents -= cents
                session.add(Withdrawal(account_id=account_id, cents=cents))
            # the block commits here, once
        """,
        """
        from app.db import SessionLocal


        def import_contacts(rows) -> None:
            with SessionLocal.begin() as session:
                for row in rows:
                    savepoint = session.begin_nested()
                    try:
                        session.add(Contact(**row))
                        savepoint.commit()
                    except ValueError:
                        savepoint.rollback()
        """,
    )

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in _ENDING_METHODS:
            return
        session = self.model.session_receiver(node) or transactions.begun_session(self.model, node)
        if session is None:
            return
        block = transactions.enclosing_begin(self.model, node, session)
        if block is None:
            return
        if func.attr == "rollback" and transactions.raises_right_after(self.model, node):
            return
        keyword = "async with" if isinstance(block, ast.AsyncWith) else "with"
        self.report(node, session=session.key, method=func.attr, block=f"{keyword} ... begin()")
