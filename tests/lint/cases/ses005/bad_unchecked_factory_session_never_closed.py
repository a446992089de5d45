"""Sessions from a factory imported from an unchecked module are never closed at all.

Modelled on two real "make sure to close the session" fixes in a plugin-based
downloader: `Session` is the application's `sessionmaker()` defined in `manager.py`, which
is not part of the checked directory. A logging handler opens a session per record and
commits without closing it, and `upgrade_required()` returns from inside the loop over a
query; neither path ever calls `close()`, so each call leaves a connection checked out
until garbage collection (DESIGN.md SES005, anchored on the line creating the session).
`Session` imported from a project module and used with `add`/`commit`/`query` is a session
factory by convention, exactly as when a `close()` appears on the success path (which the
model already reports). The real fixes added `close()` in `finally`.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Column, DateTime, Integer, String, Unicode

from flexget.manager import Base, Session
from flexget.schema import PluginSchema, plugin_schemas


class LogEntry(Base):
    __tablename__ = "log"

    id = Column(Integer, primary_key=True)
    created = Column(DateTime)
    logger = Column(String)
    message = Column(Unicode)

    def __init__(self, record: logging.LogRecord) -> None:
        self.created = datetime.fromtimestamp(record.created)
        self.logger = record.name
        self.message = record.getMessage()


class DBLogHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        session = Session()  # error: SES005
        session.add(LogEntry(record))
        session.commit()


def upgrade_required() -> bool:
    """True if a plugin's stored schema version is older than its current one."""
    session = Session()  # error: SES005
    for old_schema in session.query(PluginSchema).all():
        if old_schema.plugin in plugin_schemas and old_schema.version < plugin_schemas[old_schema.plugin]:
            return True
    return False
