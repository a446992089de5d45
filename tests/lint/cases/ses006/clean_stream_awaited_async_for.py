"""`await session.stream_scalars(q)` consumed with `async for`: every coroutine is awaited.

Streaming results are an async iterator; `async for` over the awaited result is the
correct form (DESIGN.md SES006).
"""
from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.models import Contact


async def export_contacts_csv(session: AsyncSession) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "email", "name"])
    contacts = await session.stream_scalars(select(Contact).order_by(Contact.id).execution_options(yield_per=500))
    async for contact in contacts:
        writer.writerow([contact.id, contact.email, contact.name])
    return buffer.getvalue()
