"""Exporter class whose `run` method commits a local session once per fetched record.

The loop pages through an API; the commit is unconditional inside the inner loop on a
session created at the top of `run` (DESIGN.md SES004).
"""
from __future__ import annotations

import httpx

from crm.db import SessionLocal
from crm.models import Lead


class LeadImporter:
    def __init__(self, client: httpx.Client, max_pages: int = 50) -> None:
        self.client = client
        self.max_pages = max_pages

    def run(self) -> int:
        imported = 0
        with SessionLocal() as session:
            for page in range(1, self.max_pages + 1):
                data = self.client.get("/leads", params={"page": page}).json()
                if not data["items"]:
                    break
                for item in data["items"]:
                    session.merge(Lead(external_id=item["id"], name=item["name"], stage=item["stage"]))
                    session.commit()  # error: SES004
                    imported += 1
        return imported
