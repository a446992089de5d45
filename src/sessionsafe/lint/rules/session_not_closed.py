"""SES005 session-not-closed."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import lifetimes
from sessionsafe.lint.analysis.names import dotted_name
from sessionsafe.lint.rule import Rule


class SessionNotClosed(Rule):
    """
    ## What it does
    Flags a session created in a function that is not closed on every path: no
    `with`/`async with` block, no `close()` in a `finally`, not returned, not stored
    on `self` or in a registry for an owner to close, not handed to `closing()` or
    an `ExitStack`. A `close()` only at the end of the happy path is reported too.

    ## Why is this bad?
    An open session holds a pooled connection (and, after its first query, an open
    transaction with its locks and snapshot) until it is closed or garbage
    collected. A function that leaks one per call drains the pool under load:
    requests then wait `pool_timeout` seconds and fail with "QueuePool limit ...
    reached", and on PostgreSQL the leaked connections sit "idle in transaction",
    blocking `VACUUM` and schema migrations. An exception between creating the session
    and a `close()` at the bottom skips the close, so the leak happens exactly when
    something already went wrong.

    A `yield` dependency or fixture that creates a session owns it and must close it:
    FastAPI and pytest do not close what they are given. A session shared at module
    level is reported as SES007, not here.

    ## Known limits
    A session handed to another object (`Repository(session)`) or any function
    whose name contains `close` is assumed to be closed by it. A session made by an
    imported `Session()`/`db_session()` is only counted when the project index shows
    it is a factory and not a `scoped_session` registry.
    """

    code = "SES005"
    message = "session created by `{creator}` in `{function}` is not closed on every path"
    help = (
        "Open it with `with {creator} as session:` (`async with` for an `AsyncSession`), "
        "or close it in a `finally` block"
    )

    bad = (
        """
        from app.db import SessionLocal
        from app.models import Invoice


        def finalize_invoice(invoice_id: int) -> str:
            session = SessionLocal()  # error: SES005
            invoice = session.get(Invoice, invoice_id)
            invoice.finalize()
            session.commit()
            session.close()  # skipped when anything above raises
            return invoice.pdf_key
        """,
    )
    good = (
        """
        from app.db import SessionLocal
        from app.models import Invoice


        def finalize_invoice(invoice_id: int) -> str:
            with SessionLocal() as session:
                invoice = session.get(Invoice, invoice_id)
                invoice.finalize()
                session.commit()
                return invoice.pdf_key
        """,
        """
        from collections.abc import Iterator

        from sqlalchemy.orm import Session

        from app.db import SessionLocal


        def get_db() -> Iterator[Session]:
            db = SessionLocal()
            try:
                yield db
            finally:
                db.close()
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
        for call in lifetimes.unclosed_creations(self.model, function):
            creator = f"{dotted_name(call.func) or 'the factory'}()"
            self.report(call, creator=creator, function=node.name)
