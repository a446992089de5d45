"""SES003 autoflush-disabled."""

from __future__ import annotations

import ast

from sessionsafe.lint.analysis import transactions
from sessionsafe.lint.analysis.names import dotted_name
from sessionsafe.lint.rule import Rule


class AutoflushDisabled(Rule):
    """
    ## What it does
    Flags `autoflush=False` given to `Session`, `AsyncSession`, `sessionmaker`,
    `async_sessionmaker` (also inside `scoped_session(...)`, SQLModel's `Session`, a
    factory call such as `SessionLocal(autoflush=False)`), to Flask-SQLAlchemy's
    `session_options`, and a lasting `session.autoflush = False`.

    ## Why is this bad?
    With autoflush on, a query first sends the pending changes of the unit of work,
    so it sees the rows just added or changed. With autoflush off, the same query
    silently misses them: a "does this e-mail exist?" check returns nothing, the code
    inserts a duplicate, and the unique violation surfaces much later at commit, far
    from the code that caused it. Business rules that read their own writes give
    wrong answers without any error. `autoflush=False` is mostly copied from old
    tutorials (next to `autocommit=False`) and changes how every query of the
    application behaves; tests that disable it flush differently from production.

    Not reported: `with session.no_autoflush:` (scoped to one block), an assignment
    that a `finally` sets back, `autoflush=True`, a value that is not the literal
    `False`, per-statement `execution_options(autoflush=False)`, the legacy
    `Query.autoflush(False)`, and `autoflush=` options of objects that are not sessions.

    ## Known limits
    `session_options` built in a variable elsewhere, or `autoflush` set through
    `sessionmaker.configure(...)`, are not seen.
    """

    code = "SES003"
    message = "`{setting}` disables autoflush for {target}: queries will not see pending changes"
    help = (
        "Remove `autoflush=False`; wrap the few statements that must not flush in "
        "`with session.no_autoflush:`"
    )

    bad = (
        """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        engine = create_engine("postgresql+psycopg://app@localhost/app")
        SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)  # error: SES003
        """,
        """
        from sqlalchemy.orm import Session


        def prepare_bulk_pricing(session: Session, products) -> None:
            session.autoflush = False  # error: SES003
            for product in products:
                product.price_cents = price_for(session, product)
        """,
    )
    good = (
        """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        engine = create_engine("postgresql+psycopg://app@localhost/app")
        SessionLocal = sessionmaker(bind=engine)
        """,
        """
        from sqlalchemy.orm import Session


        def add_order(session: Session, customer, lines) -> None:
            with session.no_autoflush:
                order = Order(customer=customer)
                order.lines = [Line(**line) for line in lines]
            session.add(order)
        """,
    )

    def visit_Call(self, node: ast.Call) -> None:
        if not node.keywords:
            return
        target = self._configured(node)
        if target is None:
            return
        for keyword in node.keywords:
            if keyword.arg == "autoflush" and _is_false(keyword.value):
                self.report(keyword, setting="autoflush=False", target=target)
            elif keyword.arg == "session_options" and target == "Flask-SQLAlchemy":
                self._session_options(keyword.value)

    def _configured(self, call: ast.Call) -> str | None:
        """What a call configures: a session class, a factory, Flask-SQLAlchemy; else `None`."""
        kind = self.model.factory_kind(call, call)
        if kind == "flask_sqlalchemy":
            return "Flask-SQLAlchemy"
        if kind in {"sync", "async"}:
            return f"every session of this `{dotted_name(call.func)}`"
        if self.model.created_session(call, call) is not None:
            return f"the session `{dotted_name(call.func) or 'session'}(...)` creates"
        return None

    def _session_options(self, options: ast.expr) -> None:
        if isinstance(options, ast.Dict):
            for key, value in zip(options.keys, options.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "autoflush" and _is_false(value):
                    self.report(
                        key, setting='"autoflush": False', target="every Flask-SQLAlchemy session"
                    )
        elif isinstance(options, ast.Call) and dotted_name(options.func) == "dict":
            for keyword in options.keywords:
                if keyword.arg == "autoflush" and _is_false(keyword.value):
                    self.report(
                        keyword, setting="autoflush=False", target="every Flask-SQLAlchemy session"
                    )

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "autoflush"
                and _is_false(node.value)
                and isinstance(target.value, ast.Name | ast.Attribute)
                and self.model.session_of(target.value, node) is not None
            ):
                text = dotted_name(target) or "autoflush"
                if not transactions.restored_in_finally(self.model, node, text):
                    self.report(node, setting=f"{text} = False", target="the rest of its lifetime")


def _is_false(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is False
