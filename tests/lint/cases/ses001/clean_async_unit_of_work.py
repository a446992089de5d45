"""Async unit-of-work class: `__aenter__` creates the session, `__aexit__` closes it.

The class owns the session (DESIGN.md "What owns a session": a unit-of-work class whose
enter/exit create and close it), so `commit()` inside it is fine; services call
`await uow.commit()`, which is not a session.
"""
from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from booking.repositories import ReservationRepository, RoomRepository


class UnitOfWork:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def __aenter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self.rooms = RoomRepository(self.session)
        self.reservations = ReservationRepository(self.session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            await self.session.rollback()
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()


async def book_room(uow: UnitOfWork, room_id: int, guest_id: int, nights: int) -> int:
    async with uow:
        room = await uow.rooms.get(room_id)
        reservation = room.reserve(guest_id, nights)
        await uow.reservations.add(reservation)
        await uow.commit()
        return reservation.id
