"""Settings lookup on a module-level `scoped_session` returns a default on any error.

The scoped session is shared by the rest of the request (it outlives the function,
DESIGN.md SES002); a failed query leaves its PostgreSQL transaction aborted, and the next
statement in the request fails or the final commit silently rolls back.
"""
from __future__ import annotations

import logging

from sqlalchemy import create_engine, select
from sqlalchemy.orm import scoped_session, sessionmaker

from portal.models import SiteSetting

log = logging.getLogger(__name__)
engine = create_engine("postgresql+psycopg://portal@localhost/portal")
db_session = scoped_session(sessionmaker(bind=engine))


def get_setting(key: str, default: str = "") -> str:
    try:
        value = db_session.scalars(select(SiteSetting.value).where(SiteSetting.key == key)).first()
    except Exception:  # error: SES002
        log.exception("could not read setting %s", key)
        return default
    return default if value is None else value


def maintenance_mode() -> bool:
    return get_setting("maintenance_mode", "false").lower() == "true"
