"""`await session.commit()` inside `async with session.begin():`.

Same behaviour as the sync case (reference/semantics.md §4, q4b): the inner commit is
durable and the block's commit is a no-op (DESIGN.md SES010, async equivalent).
"""
from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from tickets.models import Ticket, TicketEvent

engine = create_async_engine("postgresql+asyncpg://tickets@localhost/tickets")
async_session = async_sessionmaker(engine, expire_on_commit=False)


async def escalate(ticket_id: int, reason: str) -> None:
    async with async_session() as session:
        async with session.begin():
            ticket = await session.get(Ticket, ticket_id)
            ticket.priority = "high"
            await session.commit()  # error: SES010
            session.add(TicketEvent(ticket_id=ticket_id, kind="escalated", note=reason))
