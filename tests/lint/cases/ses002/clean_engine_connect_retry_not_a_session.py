"""Start-up probe retrying `engine.connect()` on `OperationalError`.

The work in the `try` uses a Core `Connection` opened and closed inside the `try`, not a
session, and nothing reuses it after a failure (DESIGN.md SES002 is about sessions).
"""
from __future__ import annotations

import logging
import time

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

log = logging.getLogger("prestart")


def wait_for_database(engine: Engine, attempts: int = 60, delay: float = 1.0) -> bool:
    for attempt in range(1, attempts + 1):
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except OperationalError:
            log.info("database not ready (attempt %d/%d)", attempt, attempts)
            time.sleep(delay)
    return False
