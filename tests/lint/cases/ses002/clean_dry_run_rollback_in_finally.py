"""Dry-run validator: errors are collected, and `finally` always rolls the session back.

The handler records the error and falls through, but `finally: session.rollback()` runs on
every path, so the caller never sees a failed session (DESIGN.md SES002: rollback "in
`finally`").
"""
from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from migrations.plan import MigrationPlan


def validate_plan(session: Session, plan: MigrationPlan) -> list[str]:
    problems: list[str] = []
    try:
        for step in plan.steps:
            step.apply(session)
        session.flush()
    except SQLAlchemyError as exc:
        problems.append(f"{type(exc).__name__}: {exc.args[0] if exc.args else exc}")
    finally:
        session.rollback()
    return problems
