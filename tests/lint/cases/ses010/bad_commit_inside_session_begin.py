"""`session.commit()` inside `with session.begin():` in a job that owns the session.

The inner commit is durable at once; the block's own commit becomes a no-op and the
`PayrollRun` insert after it fails with "Can't operate on closed transaction inside
context manager" (reference/semantics.md §4; DESIGN.md SES010,
anchor: the `commit` call).
"""
from __future__ import annotations

from sqlalchemy import select

from payroll.db import SessionLocal
from payroll.models import Employee, PayrollRun, Payslip
from payroll.tax import withholding


def run_payroll(period: str) -> int:
    with SessionLocal() as session:
        with session.begin():
            employees = session.scalars(select(Employee).where(Employee.active.is_(True))).all()
            for employee in employees:
                gross = employee.monthly_salary
                session.add(Payslip(employee=employee, period=period, gross=gross, tax=withholding(gross)))
            session.commit()  # error: SES010
            session.add(PayrollRun(period=period, payslip_count=len(employees)))
        return len(employees)
