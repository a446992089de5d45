"""SES010 commit-inside-begin."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import transactions
from sessionsafe.lint.demo import Demo, Outcome, Program
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
    message = "`{session}.{method}()` inside the `{block}` block ends its transaction early"
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
    demo = Demo(
        mental_model="""
            `with factory.begin() as session:` (or `with session.begin():`) already owns the
            transaction: it commits when the block ends and rolls back if the block raises. A
            `commit()` inside the block ends that transaction early for good, and the rest of the
            block runs outside any transaction the block can still control.
        """,
        setup="""
            Opening an account creates the account and a first ledger entry for the deposit. The
            code runs inside `SessionLocal.begin()` and calls `session.commit()` after adding the
            account, "to get the account id" for the ledger entry.
        """,
        broken=Program(
            source="""
                import os

                from sqlalchemy import ForeignKey, String, create_engine, select
                from sqlalchemy.exc import InvalidRequestError
                from sqlalchemy.orm import (
                    DeclarativeBase,
                    Mapped,
                    mapped_column,
                    sessionmaker,
                )

                engine = create_engine(
                    os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")
                )
                SessionLocal = sessionmaker(engine)


                class Base(DeclarativeBase):
                    pass


                class Account(Base):
                    __tablename__ = "accounts"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    owner: Mapped[str] = mapped_column(String(50))


                class Ledger(Base):
                    __tablename__ = "ledger"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
                    amount_cents: Mapped[int]


                def open_account(owner: str, deposit_cents: int) -> None:
                    with SessionLocal.begin() as session:
                        account = Account(owner=owner)
                        session.add(account)
                        session.commit()  # to get account.id
                        session.add(
                            Ledger(account_id=account.id, amount_cents=deposit_cents)
                        )


                def main() -> None:
                    Base.metadata.create_all(engine)
                    try:
                        open_account("ada", deposit_cents=5000)
                    except InvalidRequestError as error:
                        print(f"open_account failed: {type(error).__name__}: {error}")
                    with SessionLocal() as session:
                        accounts = [
                            f"account {owner}"
                            for owner in session.scalars(select(Account.owner))
                        ]
                        entries = [
                            f"ledger {cents}"
                            for cents in session.scalars(select(Ledger.amount_cents))
                        ]
                        print("rows stored:", accounts + entries)


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(rows=("account ada",)),
        ),
        fixed=Program(
            source="""
                import os

                from sqlalchemy import ForeignKey, String, create_engine, select
                from sqlalchemy.exc import InvalidRequestError
                from sqlalchemy.orm import (
                    DeclarativeBase,
                    Mapped,
                    mapped_column,
                    sessionmaker,
                )

                engine = create_engine(
                    os.environ.get("SESSIONSAFE_DEMO_URL", "sqlite:///:memory:")
                )
                SessionLocal = sessionmaker(engine)


                class Base(DeclarativeBase):
                    pass


                class Account(Base):
                    __tablename__ = "accounts"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    owner: Mapped[str] = mapped_column(String(50))


                class Ledger(Base):
                    __tablename__ = "ledger"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
                    amount_cents: Mapped[int]


                def open_account(owner: str, deposit_cents: int) -> None:
                    with SessionLocal.begin() as session:
                        account = Account(owner=owner)
                        session.add(account)
                        session.flush()  # sends the INSERT and sets account.id
                        session.add(
                            Ledger(account_id=account.id, amount_cents=deposit_cents)
                        )


                def main() -> None:
                    Base.metadata.create_all(engine)
                    try:
                        open_account("ada", deposit_cents=5000)
                    except InvalidRequestError as error:
                        print(f"open_account failed: {type(error).__name__}: {error}")
                    with SessionLocal() as session:
                        accounts = [
                            f"account {owner}"
                            for owner in session.scalars(select(Account.owner))
                        ]
                        entries = [
                            f"ledger {cents}"
                            for cents in session.scalars(select(Ledger.amount_cents))
                        ]
                        print("rows stored:", accounts + entries)


                if __name__ == "__main__":
                    main()
            """,
            outcome=Outcome(rows=("account ada", "ledger 5000")),
        ),
        why="""
            SQLAlchemy allows `commit()` inside a `begin()` block: the commit is real, the
            account is permanent and visible to other connections at once. The block's
            transaction is now closed, so the next statement in the block (here the ledger
            entry's flush at the end) raises `InvalidRequestError: Can't operate on closed
            transaction inside context manager`. If anything else in the block raises after the
            inner commit, the block's rollback cannot undo the account either. Either way the
            account exists without its deposit.

            The id was never a reason to commit: `session.flush()` sends the INSERT and fills in
            `account.id` inside the same transaction.
        """,
        in_production="""
            A payments service added `session.commit()` inside a `begin()` block during a bug hunt
            and shipped it. For the next six hours every account opening stored the account and
            then failed with `InvalidRequestError`; 4,100 customers saw "account opening failed"
            although their account existed with a zero balance, and each retry hit "owner
            already has an account".
        """,
        takeaway="""
            Inside a `begin()` block, never call `commit()` or `rollback()`: use `flush()` to send
            SQL early, `begin_nested()` for a part that may fail, and let the block end the
            transaction.
        """,
        prevention="""
            - `sessionsafe.runtime.unit_of_work(factory)` installs a commit guard: a `commit()` or
              `rollback()` inside the unit raises `CommitInsideUnitOfWork` (or, with
              `guard="flush"`, becomes a `flush()`), and the unit rolls back as one transaction.
              Savepoints from `begin_nested()` stay allowed.
        """,
    )

    #: The engine calls `visit_Call` for these method calls only: no other can be reported.
    call_attributes = _ENDING_METHODS

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
