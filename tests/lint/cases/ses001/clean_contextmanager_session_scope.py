"""`@contextmanager session_scope()` that creates, yields, commits once and closes.

The context manager creates the session and is its owner (DESIGN.md "What owns a
session": a `@contextmanager` that creates and yields it); business functions only add
and flush; the job uses `with session_scope() as session:`.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from hr.models import Employee, PayrollRun, Payslip

engine = create_engine("postgresql+psycopg://hr@localhost/hr")
SessionFactory = sessionmaker(bind=engine)


@contextmanager
def session_scope() -> Iterator[Session]:
    session = SessionFactory()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def issue_payslips(session: Session, run: PayrollRun) -> int:
    employees = session.scalars(select(Employee).where(Employee.active.is_(True))).all()
    for employee in employees:
        session.add(Payslip(run=run, employee=employee, gross=employee.monthly_salary))
    session.flush()
    return len(employees)


def run_payroll(period: str) -> int:
    with session_scope() as session:
        run = PayrollRun(period=period)
        session.add(run)
        return issue_payslips(session, run)
