"""Parameters annotated with the module-qualified type `sqlalchemy.orm.Session`.

`import sqlalchemy.orm` / `from sqlalchemy import orm` spellings must resolve to the
same type as `from sqlalchemy.orm import Session` (DESIGN.md SES001, parameter
annotated with a session type).
"""
from __future__ import annotations

import sqlalchemy.orm
from sqlalchemy import orm, select

from phi.projects.models import Project, ProjectMember


def create_project(session: sqlalchemy.orm.Session, name: str, owner_id: int) -> Project:
    project = Project(name=name)
    project.members.append(ProjectMember(user_id=owner_id, role="owner"))
    session.add(project)
    session.commit()  # error: SES001
    return project


def archive_project(session: orm.Session, project_id: int) -> None:
    project = session.execute(select(Project).where(Project.id == project_id)).scalar_one()
    project.archived = True
    for member in project.members:
        member.notifications_enabled = False
    session.commit()  # error: SES001
