"""Script creating its session under `if __name__ == "__main__":` and passing it down.

The session is created by the entry point and handed to functions as an argument; it is
not a module-level object that functions reach on their own (DESIGN.md SES007).
"""
from __future__ import annotations

import sys

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from school.models import Grade, Student

engine = create_engine("postgresql+psycopg://school@localhost/school")


def average(session: Session, student: Student) -> float:
    grades = session.scalars(select(Grade.value).where(Grade.student_id == student.id)).all()
    return sum(grades) / len(grades) if grades else 0.0


def report(session: Session, year: int) -> list[tuple[str, float]]:
    students = session.scalars(select(Student).where(Student.year == year)).all()
    return [(student.name, average(session, student)) for student in students]


if __name__ == "__main__":
    with Session(engine) as session:
        for name, value in report(session, int(sys.argv[1])):
            print(f"{name:30} {value:5.2f}")
