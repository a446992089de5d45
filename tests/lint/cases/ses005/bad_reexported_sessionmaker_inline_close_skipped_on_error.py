"""Per-tenant session from a re-exported `sessionmaker(...)()` is closed only on the success path.

Modelled on a real "re-scope the database session close" fix in a FastAPI incident
manager: `sessionmaker` is imported from the project's own `database.core` module (which
re-exports SQLAlchemy's), each organization gets `sessionmaker(bind=schema_engine)()`,
and `close()` runs after the inner loop. When a project's task (or `project_service.get_all`)
raises, the outer handler logs and the tenant session is
never closed: one pooled connection leaks per failing organization and run (DESIGN.md
SES005, anchored on the line creating the session). The main `SessionLocal()` session is
closed in `finally` and is fine. `sessionmaker` imported under that name from a project
module is SQLAlchemy's `sessionmaker` by convention. The real fix moved the close into
a `finally`.
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from dispatch.organization import service as organization_service
from dispatch.project import service as project_service

from .database.core import SessionLocal, engine, sessionmaker

log = logging.getLogger(__name__)


def execute_task_for_every_project(func: Callable, *args, **kwargs) -> None:
    db_session = SessionLocal()
    start = time.perf_counter()
    try:
        for organization in organization_service.get_all(db_session=db_session):
            schema_engine = engine.execution_options(
                schema_translate_map={None: f"dispatch_organization_{organization.slug}"}
            )
            schema_session = sessionmaker(bind=schema_engine)()  # error: SES005
            kwargs["db_session"] = schema_session
            for project in project_service.get_all(db_session=schema_session):
                kwargs["project"] = project
                func(*args, **kwargs)
            schema_session.close()
        log.debug("task %s ran in %.2fs", func.__name__, time.perf_counter() - start)
    except Exception as e:
        log.exception(e)
    finally:
        db_session.close()
