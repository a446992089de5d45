"""Job catches and logs any failure; the session it created is closed in `finally`.

The session is created in the function, never used after the `except`, and closed in
`finally` (DESIGN.md SES002: rolls back/closes "in `finally`").
"""
from __future__ import annotations

import logging

from reports.db import SessionLocal
from reports.models import Report
from reports.render import render_pdf

log = logging.getLogger(__name__)


def generate_report(report_id: int) -> bool:
    session = SessionLocal()
    try:
        report = session.get(Report, report_id)
        report.pdf_key = render_pdf(report)
        report.status = "ready"
        session.commit()
        return True
    except Exception:
        log.exception("report %s failed", report_id)
        return False
    finally:
        session.close()
