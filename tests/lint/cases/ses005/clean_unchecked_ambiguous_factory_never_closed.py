"""`Session()` from an unchecked module, never closed: deliberately not reported.

Modelled on two real "make sure to close the session" fixes in a plugin-based
downloader, where `Session` is the application's `sessionmaker()` in `manager.py`, a
module outside the checked directory. From this file alone `Session` may just as well be
`scoped_session(sessionmaker(...))` (the classic SQLAlchemy recipe names it `Session`),
whose call returns the thread's registry session that the framework removes: not closing
it is then correct. Precision comes first (DESIGN.md), so an ambiguous factory imported
from an unchecked module counts as a new session only where the function itself closes it
(a close skipped on some path is then reported). This real bug is a known miss; checking
`manager.py` together with this file makes `Session` a known factory and reports it.
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
        session = Session()
        session.add(LogEntry(record))
        session.commit()


def upgrade_required() -> bool:
    """True if a plugin's stored schema version is older than its current one."""
    session = Session()
    for old_schema in session.query(PluginSchema).all():
        if old_schema.plugin in plugin_schemas and old_schema.version < plugin_schemas[old_schema.plugin]:
            return True
    return False
