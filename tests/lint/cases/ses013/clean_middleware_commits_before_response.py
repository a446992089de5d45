"""Commit in an HTTP middleware before returning the response, not in a dependency.

The middleware commits before handing the response back, so a failed commit becomes a
500 (SES013's recommended alternative: "commit in middleware").
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from shop.models import Basket

engine = create_async_engine("postgresql+asyncpg://shop@localhost/shop")
async_session = async_sessionmaker(engine, expire_on_commit=False)
app = FastAPI()


@app.middleware("http")
async def unit_of_work(request: Request, call_next):
    async with async_session() as session:
        request.state.session = session
        response = await call_next(request)
        if response.status_code >= 400:
            await session.rollback()
            return response
        try:
            await session.commit()
        except Exception:
            await session.rollback()
            return JSONResponse({"detail": "could not save your changes"}, status_code=500)
        return response


@app.post("/baskets")
async def create_basket(request: Request) -> dict[str, str]:
    request.state.session.add(Basket(owner=request.headers.get("x-user", "anonymous")))
    return {"status": "created"}
