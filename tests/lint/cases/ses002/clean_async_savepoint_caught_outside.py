"""Async bulk enrolment using `async with session.begin_nested():` per student.

The `IntegrityError` is caught outside the savepoint block, so only the savepoint is
rolled back and the outer transaction stays usable (reference/semantics.md §5, DESIGN.md
savepoints).
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from school.models import Course, Enrolment


async def enrol_students(session: AsyncSession, course: Course, student_ids: list[int]) -> dict[str, list[int]]:
    result: dict[str, list[int]] = {"enrolled": [], "duplicate": []}
    for student_id in student_ids:
        try:
            async with session.begin_nested():
                session.add(Enrolment(course_id=course.id, student_id=student_id))
        except IntegrityError:
            result["duplicate"].append(student_id)
        else:
            result["enrolled"].append(student_id)
    course.enrolled_count += len(result["enrolled"])
    await session.flush()
    return result
