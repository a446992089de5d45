"""Helpers that leave the worker's session usable after a failure."""
from __future__ import annotations

import logging

from billing.db import Session

log = logging.getLogger(__name__)


def reset_session(reason: str) -> None:
    log.warning("resetting worker session: %s", reason)
    Session.close()
