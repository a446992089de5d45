"""A service turning autoflush off on the injected session in `__init__`.

The assignment outlives the service: the request's session keeps autoflush disabled for
every other service that uses it (DESIGN.md SES003: a lasting assignment).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.models import Metric, MetricValue


class MetricRecorder:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.session.autoflush = False  # error: SES003

    def record(self, name: str, value: float) -> MetricValue:
        metric = self.session.scalars(select(Metric).where(Metric.name == name)).one()
        entry = MetricValue(metric=metric, value=value)
        self.session.add(entry)
        return entry
