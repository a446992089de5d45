"""Bulk loader accumulating rows and committing when the batch reaches its size.

`if len(batch) >= BATCH_SIZE:` is a batch-size condition like the modulo form
(DESIGN.md "Overlaps and edge decisions"), so the checkpoint commit is deliberate.
"""
from __future__ import annotations

import json
from pathlib import Path

from logs.db import SessionLocal
from logs.models import AccessLog

BATCH_SIZE = 5000


def load_access_log(path: Path) -> int:
    batch: list[AccessLog] = []
    total = 0
    with SessionLocal() as session, path.open() as handle:
        for line in handle:
            record = json.loads(line)
            batch.append(AccessLog(path=record["path"], status=record["status"], at=record["ts"]))
            if len(batch) >= BATCH_SIZE:
                session.add_all(batch)
                session.commit()
                total += len(batch)
                batch.clear()
        session.add_all(batch)
        session.commit()
    return total + len(batch)
