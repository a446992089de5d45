"""Sessions for a variable number of databases registered with an `ExitStack`.

`stack.enter_context(factory())` closes each session when the stack unwinds (issue 3,
SES005: passed to `ExitStack`).
"""
from __future__ import annotations

from contextlib import ExitStack

from sqlalchemy import select

from replicas.db import replica_factories
from replicas.models import SchemaVersion


def schema_versions() -> dict[str, str]:
    versions: dict[str, str] = {}
    with ExitStack() as stack:
        for name, factory in replica_factories().items():
            session = stack.enter_context(factory())
            versions[name] = session.scalar(select(SchemaVersion.version).order_by(SchemaVersion.applied_at.desc()))
    return versions
