"""Seat assignment endpoints (commit on their own although the dependency commits)."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Seat
from app.postgres import get_db_session
from app.seats.service import seat_service

router = APIRouter(prefix="/seats")


@router.post("/")
async def assign_seat(email: str, subscription_id: int, session: AsyncSession = Depends(get_db_session)) -> dict:
    seat = await seat_service.assign(session, subscription_id=subscription_id, email=email)
    await session.commit()  # error: SES001
    return {"id": seat.id, "email": seat.email}


@router.delete("/{seat_id}")
async def revoke_seat(seat_id: int, session: AsyncSession = Depends(get_db_session)) -> dict:
    seat = await session.get(Seat, seat_id)
    if seat is not None:
        await session.delete(seat)
    return {"id": seat_id, "revoked": seat is not None}
