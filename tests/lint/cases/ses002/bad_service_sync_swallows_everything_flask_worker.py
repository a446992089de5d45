"""Sync service run by a Celery worker: `except Exception: print(error)` around the commit.

The service uses Flask-SQLAlchemy's scoped `db.session`, which the worker thread keeps
between tasks: after one failed commit every later task hits `PendingRollbackError`
(reference/landscape.md §3.1; DESIGN.md SES002). The service method also commits a scoped
session from a helper (SES001): the task that calls it should commit.
"""
from __future__ import annotations

from app import db
from app.models import Project
from app.services.jira import JiraClient


class ProjectSync:
    def __init__(self) -> None:
        self.jira = JiraClient()

    def remote_projects(self) -> list:
        try:
            return [p for p in self.jira.projects() if not getattr(p, "archived", False)]
        except Exception as error:
            print(f"jira unavailable: {error}")
            return []

    def run(self) -> None:
        try:
            fetched = {p.key: p for p in self.remote_projects()}
            for project in Project.query.all():
                if project.key not in fetched:
                    db.session.delete(project)
                else:
                    project.name = fetched.pop(project.key).name
            db.session.add_all(Project(key=key, name=p.name) for key, p in fetched.items())
            db.session.commit()  # error: SES001
        except Exception as error:  # error: SES002
            print(error)
